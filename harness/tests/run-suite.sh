#!/usr/bin/env bash
# The test suite behind `make test`: the harness's unit tests, skeletons in
# sync with their solutions, every lab's checker proved both ways (the
# solution passes every test; the untouched skeleton fails exactly the tests
# it lists), and deliberately broken modules judged with the right cause.
#
# Two phases: every checker run goes into a pool of JOBS parallel runs, each
# writing its output, results and times to files; then the verdicts are read
# from those files, in order. Ends with one line of its own:
# "N passed, M failed".
set -uo pipefail

usage() {
	echo "usage: $0 [--kernel default|newest|SERIES]... [--accel tcg|kvm] [--jobs N] [--debug-proofs] LAB..."
	echo "Each --kernel adds a kernel; every lab is proved on each, the"
	echo "harness's own tests run on the first. --jobs: parallel VMs"
	echo "(default: the number of cores). --debug-proofs: also the labs'"
	echo "debug kernel of the default series (built once, about 6 min):"
	echo "every solution passes in DEBUG mode, each debug mutant fails."
}

# shellcheck source=../tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh" run-suite 2
KERNELS=()
ACCEL=tcg
JOBS=$(nproc)
DEBUG_PROOFS=
parse_options "--kernel=+KERNELS --accel=ACCEL --jobs=JOBS --debug-proofs:DEBUG_PROOFS ARGS" "$@"
LABS=("${ARGS[@]}")

[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1)
cd "$ROOT" || exit 2
BUILD=build
# Absolute: QEMU command lines name it, and leftover_qemu() looks for them.
OUT=$PWD/$BUILD/test
# The runs' modules, per kernel: kept from one make test to the next
# (prebuild.sh builds them again only when what they are made of changed).
MODULES=$PWD/$BUILD/test-modules
FIRST_KERNEL=${KERNELS[0]}
# Short limits for the broken modules' hangs; scaled like every limit.
SELFTEST_TIMEOUT=5
# A broken module's check must end within this, hang included; scaled
# too (a check's own limits grow with MYBRD_TIMEOUT_SCALE).
SELFTEST_LIMIT=$(awk -v k="${MYBRD_TIMEOUT_SCALE:-1}" 'BEGIN { printf "%d", 60 * (k > 0 ? k : 1) }')
rm -rf "$OUT"
mkdir -p "$OUT"
# ACCEL=auto is resolved once: every run uses the same accelerator.
ACCEL_WHY=
if [ "$ACCEL" = auto ]; then
	ACCEL_WHY=$(harness/tools/accel.sh --kernel-env ".cache/kernel-$FIRST_KERNEL.env")
	ACCEL=${ACCEL_WHY%% *}
fi

# shellcheck source=harness/tests/verdict.sh
. harness/tests/verdict.sh
table=()

# QEMU processes still running for one run's directory (there must be none).
command -v pgrep >/dev/null ||
	die "pgrep is missing (Debian's procps), so no check could tell a QEMU left behind; run make setup."
leftover_qemu() {
	pgrep -f "qemu-system-x86_64.*$1/" || true
}

# ---- phase 1: the runs -------------------------------------------------

# run_check KERNEL LAB NAME SRC [checker options...] (in the background):
# $OUT/KERNEL/LAB-NAME.{out,results,rc,start,end}, build files in the dir.
run_check() {
	local kernel=$1 lab=$2 name=$3 src=$4
	shift 4
	local run=$OUT/$kernel/$lab-$name
	local ko=$MODULES/$kernel/$lab-$name/mybrd.ko
	local module=(--src "$src")
	[ -f "$ko" ] && module=(--module "$ko")
	mkdir -p "$run"
	now > "$run.start"
	"$BUILD/$lab/check" --root . --kernel-env ".cache/kernel-$kernel.env" \
		--accel "$ACCEL" --build-dir "$run" "${module[@]}" \
		--label "$name" --results "$run.results" "$@" > "$run.out" 2>&1
	echo $? > "$run.rc"
	now > "$run.end"
}

# Starts a run once fewer than JOBS are running.
pool() {
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run_check "$@" &
}

# name|tests|pattern|boots[|rc]: a broken module, the lab01 tests it runs,
# what the checker must say, how many boots (one per crash) it must take,
# and the checker's status (1 unless given).
BROKEN=(
	"no-compile|loads_cleanly|mybrd.c does not compile|"
	"fails-insmod|loads_cleanly|No such device|1"
	"oops-in-init|loads_cleanly,registers_major|), in mybrd.c:9 in broken_init()|2"
	"panics|loads_cleanly|a kernel panic stopped the VM (Kernel panic - not syncing: mybrd self-test: panic in init)|1"
	"warns|loads_cleanly|a kernel WARNING|1"
	"hangs-in-init|loads_cleanly,registers_major|it hung: insmod is waiting in your broken_init() itself: it calls msleep() and never returns|2"
	"hangs-in-rmmod|rmmod_removes_disk_and_major|it hung: rmmod is waiting in your broken_exit() itself: it calls msleep() and never returns|1"
	"floods|loads_cleanly,registers_major|: your driver is flooding the kernel log from broken_init(): |2"
	"chatty|loads_cleanly|lines to the kernel log from chatty_init(), in 1 test|1|0"
)
WEAKENED_LAB=lab01-register
WEAKENED_TEST=registers_major

# Broken drivers for the tests a skeleton passes (harness/tests/mutants/),
# and ("# debug: yes") for the debug kernel's checks (--debug-proofs).
MUTANTS=()
DEBUG_MUTANTS=()
mutant_field() { sed -n "s/^# $2: //p" "$1"; }
mutant_name() { basename "$1" .sed; }
mutant_src() { echo "$OUT/mutants/$(mutant_name "$1").c"; }
for f in harness/tests/mutants/*.sed; do
	for lab in "${LABS[@]}"; do
		[ "$(mutant_field "$f" lab)" = "$lab" ] || continue
		if [ "$(mutant_field "$f" debug)" = yes ]; then
			DEBUG_MUTANTS+=("$f")
		else
			MUTANTS+=("$f")
		fi
	done
done
# The debug kernel's .env name (harness/tools/debug-kernel.sh writes it).
DEBUG_ENV=debug-default
DEBUG_BUILT=

# Writes each mutant's source under $OUT/mutants.
make_mutants() {
	local f
	mkdir -p "$OUT/mutants"
	for f in "${MUTANTS[@]}" "${DEBUG_MUTANTS[@]}"; do
		sed -f "$f" "$(mutant_field "$f" from)" > "$(mutant_src "$f")"
	done
}

# prebuild KERNEL NAME=SRC...: the modules of KERNEL's runs, in one Kbuild
# run (run_check takes a module from there, or builds its own).
prebuild() {
	local kernel=$1
	shift
	harness/tests/prebuild.sh ".cache/kernel-$kernel.env" \
		"$MODULES/$kernel" "$@"
}

# The modules of one kernel's runs; the broken ones on the first kernel
# only, less the one that does not compile (the checker reports that).
modules_of() {
	local kernel=$1 entry name lab
	if [ "$kernel" = "$FIRST_KERNEL" ]; then
		for entry in "${BROKEN[@]}"; do
			name=${entry%%|*}
			[ "$name" = no-compile ] ||
				echo "lab01-register-broken-$name=harness/tests/broken/$name.c"
		done
		for entry in "${MUTANTS[@]}"; do
			echo "$(mutant_field "$entry" lab)-mutant-$(mutant_name "$entry")=$(mutant_src "$entry")"
		done
	fi
	for lab in "${LABS[@]}"; do
		echo "$lab-solution=solutions/$lab/mybrd.c"
		echo "$lab-skeleton=$lab/mybrd.c"
	done
}

start_runs() {
	local entry name tests kernel lab specs
	make_mutants
	mapfile -t specs < <(modules_of "$FIRST_KERNEL")
	prebuild "$FIRST_KERNEL" "${specs[@]}"
	serial_proofs > "$OUT/serial-proofs.log" 2>&1 &
	for entry in "${BROKEN[@]}"; do
		IFS='|' read -r name tests _ _ <<< "$entry"
		pool "$FIRST_KERNEL" lab01-register "broken-$name" \
			"harness/tests/broken/$name.c" --only "$tests" \
			--test-timeout "$SELFTEST_TIMEOUT"
	done
	pool "$FIRST_KERNEL" "$WEAKENED_LAB" weakened "$WEAKENED_LAB/mybrd.c" \
		--only "$WEAKENED_TEST" --weaken "$WEAKENED_TEST"
	for entry in "${MUTANTS[@]}"; do
		pool "$FIRST_KERNEL" "$(mutant_field "$entry" lab)" \
			"mutant-$(mutant_name "$entry")" "$(mutant_src "$entry")" \
			--only "$(mutant_field "$entry" fails)"
	done
	for kernel in "${KERNELS[@]}"; do
		if [ "$kernel" != "$FIRST_KERNEL" ]; then
			mapfile -t specs < <(modules_of "$kernel")
			prebuild "$kernel" "${specs[@]}"
		fi
		for lab in "${LABS[@]}"; do
			pool "$kernel" "$lab" solution "solutions/$lab/mybrd.c"
			pool "$kernel" "$lab" skeleton "$lab/mybrd.c"
		done
	done
	wait
	start_debug_runs
}

# DEBUG=1's proofs, after the others (the debug kernel is built first,
# once, on every core): every solution, then each debug mutant.
start_debug_runs() {
	local entry lab
	[ -n "$DEBUG_PROOFS" ] || return 0
	echo "=== the debug kernel (DEBUG=1)"
	harness/tools/debug-kernel.sh --kernel default || return 0
	DEBUG_BUILT=1
	for lab in "${LABS[@]}"; do
		pool "$DEBUG_ENV" "$lab" solution "solutions/$lab/mybrd.c" --debug
	done
	for entry in "${DEBUG_MUTANTS[@]}"; do
		pool "$DEBUG_ENV" "$(mutant_field "$entry" lab)" \
			"mutant-$(mutant_name "$entry")" "$(mutant_src "$entry")" \
			--only "$(mutant_field "$entry" fails)" --debug
	done
	wait
}

# The proofs that run one VM after another, as a job of phase 1 beside
# the pool (which then keeps one VM fewer going): the cores stay busy.
# Their verdicts are said in phase 2, in order (replay_verdicts).
serial_proofs() {
	VERDICT_DEFERRED=1
	interrupted
	console_input
	snapshot_proofs
	accel_probe
}

# ---- phase 2: the verdicts ---------------------------------------------

# A CUnit program's own verdicts: its "tests" summary row counts them.
unit_tests() {
	local bin=$1 log row rc
	log=$OUT/$(basename "$bin").log
	"$bin" harness/tests/logs > "$log" 2>&1
	rc=$?
	cat "$log"
	row=$(awk '$1 == "tests" { print $4, $5 }' "$log")
	if [ -z "$row" ]; then
		verdict fail "$(basename "$bin") did not run (exit status $rc)"
		return
	fi
	read -r n_ok n_bad <<< "$row"
	set -- "$n_ok" "$n_bad"
	passed=$((passed + $1))
	failed=$((failed + $2))
	[ "$2" -eq 0 ] || failures+=("$(basename "$bin"): $2 unit tests failed")
	[ "$rc" -eq 0 ] || [ "$2" -gt 0 ] ||
		verdict fail "$(basename "$bin") exited $rc with no failed test"
}

skeleton_in_sync() {
	local lab=$1
	if $BUILD/harness/skelgen "solutions/$lab/mybrd.c" |
		cmp -s - "$lab/mybrd.c"; then
		verdict ok "$lab/mybrd.c is generated from its solution"
	else
		verdict fail "$lab/mybrd.c differs from what 'make skeletons' generates from solutions/$lab/mybrd.c"
	fi
}

# The result (PASS or FAIL) of one test in a results file.
result_of() {
	awk -F '\t' -v t="$2" '$1 == t { print $2 }' "$1"
}

run_seconds() {
	seconds_between "$(cat "$1.start")" "$(cat "$1.end")"
}

# Prints a run's output, indented, under a header.
show_run() {
	echo "--- $(basename "$1") (kernel $(basename "$(dirname "$1")"))"
	sed 's/^/    /' "$1.out"
}

# skeleton_verdict TEST MUST_FAIL RESULT: "ok|fail <why>" for one test's
# result on the untouched skeleton against its expected-failure flag.
skeleton_verdict() {
	local test=$1 must_fail=$2 res=$3
	if [ "$must_fail" = 1 ] && [ "$res" = FAIL ]; then
		echo "ok $test fails on the untouched skeleton, as listed"
	elif [ "$must_fail" = 1 ]; then
		echo "fail $test passes on the untouched skeleton: the test cannot fail"
	elif [ "$res" = PASS ]; then
		echo "ok $test passes on the skeleton, as listed"
	else
		echo "fail $test fails on the skeleton but is not on its expected-failure list (${res:-not run})"
	fi
}

# The host's release, for the summary ("Debian 13").
HOST=$(. /etc/os-release && echo "Debian ${VERSION_ID:-?}")

# The kernel's series as the summary names it: "7.3 (newest)".
kernel_label() {
	parse_kernel_env ".cache/kernel-$1.env" K_ || { echo "$1"; return; }
	if [ "$K_KERNEL_SERIES" = "$1" ]; then
		echo "$1"
	else
		echo "$K_KERNEL_SERIES ($1)"
	fi
}

prove_lab() {
	local kernel=$1 lab=$2 sol_pass=0 skel_ok=0 total=0 name must_fail res
	local said sol=$OUT/$1/$2-solution skel=$OUT/$1/$2-skeleton
	show_run "$sol"
	show_run "$skel"
	echo "--- $lab (kernel $kernel): verdicts"
	skeleton_in_sync "$lab"
	while IFS=$'\t' read -r name must_fail; do
		total=$((total + 1))
		res=$(result_of "$sol.results" "$name")
		if [ "$res" = PASS ]; then
			sol_pass=$((sol_pass + 1))
			verdict ok "$lab/$name passes on the solution"
		else
			verdict fail "$lab/$name fails on the solution (${res:-not run})"
		fi
		res=$(result_of "$skel.results" "$name")
		said=$(skeleton_verdict "$lab/$name" "$must_fail" "$res")
		if [ "$must_fail" = 0 ] && ! covered "$lab" "$name"; then
			said="fail $lab/$name passes on the skeleton and no broken driver shows it can fail (add one to harness/tests/mutants/)"
		fi
		verdict "${said%% *}" "${said#* }"
		[ "${said%% *}" = ok ] && skel_ok=$((skel_ok + 1))
	done < <("$BUILD/$lab/check" --list)
	table+=("$(printf '%-22s %-10s %-13s %5d %9d %10d %5s %5s' "$lab" "$HOST" \
		"$(kernel_label "$kernel")" \
		"$total" "$sol_pass" "$skel_ok" "$(run_seconds "$sol")" \
		"$(run_seconds "$skel")")")
}

# The broken module's run: right status, cause, boots, time, no QEMU left.
judge_broken() {
	local name=$1 pattern=$3 boots=$4 want_rc=${5:-1} run rc secs
	run=$OUT/$FIRST_KERNEL/lab01-register-broken-$name
	rc=$(cat "$run.rc")
	secs=$(run_seconds "$run")
	show_run "$run"
	if [ "$rc" -ne "$want_rc" ]; then
		verdict fail "broken module $name: checker exited $rc, not $want_rc"
	elif ! grep -qF -- "$pattern" "$run.out"; then
		verdict fail "broken module $name: no '$pattern' in the checker's output"
	elif [ -n "$boots" ] && ! grep -qF "in $boots boot" "$run.out"; then
		verdict fail "broken module $name: expected $boots boot(s), one per crash"
	elif awk -v s="$secs" -v l="$SELFTEST_LIMIT" 'BEGIN { exit !(s > l) }'; then
		verdict fail "broken module $name: took $secs s, over $SELFTEST_LIMIT s"
	elif [ -n "$(leftover_qemu "$run")" ]; then
		verdict fail "broken module $name: a QEMU process was left running"
	else
		verdict ok "broken module $name: '$pattern' in $secs s, no QEMU left"
	fi
}

# A checker test weakened to assert nothing passes on the skeleton, and the
# expected-failure list catches it: the proof above is not vacuous.
judge_weakened() {
	local lab=$WEAKENED_LAB test=$WEAKENED_TEST res must_fail said
	res=$(result_of "$OUT/$FIRST_KERNEL/$lab-weakened.results" "$test")
	must_fail=$("$BUILD/$lab/check" --list |
		awk -F '\t' -v t="$test" '$1 == t { print $2 }')
	said=$(skeleton_verdict "$lab/$test" "$must_fail" "$res")
	case "$said" in
	fail*) verdict ok "a weakened $lab/$test is caught: ${said#fail }" ;;
	*) verdict fail "a weakened $lab/$test was not caught (${said})" ;;
	esac
}

# judge_mutants KERNEL MUTANT...: each mutant's tests fail on it, and its
# script changed its source.
judge_mutants() {
	local kernel=$1 f lab name from res test
	shift
	for f; do
		lab=$(mutant_field "$f" lab) name=$(mutant_name "$f")
		from=$(mutant_field "$f" from)
		show_run "$OUT/$kernel/$lab-mutant-$name"
		if [[ $from == solutions/* ]] && cmp -s "$from" "$(mutant_src "$f")"; then
			verdict fail "mutant $name changes nothing: its sed script no longer matches $from"
			continue
		fi
		for test in $(mutant_field "$f" fails | tr ',' ' '); do
			res=$(result_of "$OUT/$kernel/$lab-mutant-$name.results" "$test")
			if [ "$res" = FAIL ]; then
				verdict ok "$lab/$test fails on mutant $name ($(mutant_field "$f" why))"
			else
				verdict fail "$lab/$test does not fail on mutant $name (${res:-not run}): it cannot catch $(mutant_field "$f" why)"
			fi
		done
		judge_mutant_says "$f" "$OUT/$kernel/$lab-mutant-$name"
	done
}

# DEBUG=1: every solution passes every test on the debug kernel (no
# report of any kind), and each debug mutant fails as its header says.
judge_debug() {
	local lab run rc n
	[ -n "$DEBUG_PROOFS" ] || return 0
	echo "=== DEBUG=1: the debug kernel's proofs"
	if [ -z "$DEBUG_BUILT" ]; then
		verdict fail "the debug kernel did not build (see .cache/debug/*/build.log)"
		return
	fi
	parse_kernel_env ".cache/kernel-$DEBUG_ENV.env" D_ || true
	for lab in "${LABS[@]}"; do
		run=$OUT/$DEBUG_ENV/$lab-solution
		show_run "$run"
		rc=$(cat "$run.rc")
		n=$(grep -c $'\tPASS\t' "$run.results" 2>/dev/null)
		if [ "$rc" -eq 0 ]; then
			verdict ok "$lab: the solution passes its $n tests on the debug kernel, with no report ($(run_seconds "$run") s)"
		else
			verdict fail "$lab: the solution fails on the debug kernel (checker exited $rc)"
		fi
		table+=("$(printf '%-22s %-10s %-13s %5s %9s %10s %5.1f %5s' "$lab" "$HOST" \
			"${D_KERNEL_SERIES:-?} debug" "$n" "$n" "-" "$(run_seconds "$run")" "-")")
	done
	judge_mutants "$DEBUG_ENV" "${DEBUG_MUTANTS[@]}"
}

# A mutant's "# says:": its lesson must contain that text. The check's
# time is reported, not asserted (timing is measured, never a verdict).
judge_mutant_says() {
	local f=$1 run=$2 says name
	name=$(mutant_name "$f")
	says=$(mutant_field "$f" says)
	[ -n "$says" ] || return 0
	if grep -qF -- "$says" "$run.out"; then
		verdict ok "mutant $name: the lesson says '$says' ($(run_seconds "$run") s)"
	else
		verdict fail "mutant $name: no '$says' in the checker's output"
	fi
}

# covered LAB TEST: is a test the skeleton passes proven able to fail, by
# a mutant or (lab01) a broken module?
covered() {
	local f entry tests
	for f in "${MUTANTS[@]}"; do
		[ "$(mutant_field "$f" lab)" = "$1" ] &&
			[[ ",$(mutant_field "$f" fails)," == *",$2,"* ]] && return 0
	done
	[ "$1" = lab01-register ] || return 1
	for entry in "${BROKEN[@]}"; do
		IFS='|' read -r _ tests _ _ rc <<< "$entry"
		[ "${rc:-1}" = 0 ] && continue
		[[ ",$tests," == *",$2,"* ]] && return 0
	done
	return 1
}

# Ctrl-C in the middle of a test kills QEMU too (run alone: it polls).
interrupted() {
	local dir=$OUT/interrupt pid rc tries=0
	mkdir -p "$dir"
	"$BUILD/lab01-register/check" --root . \
		--kernel-env ".cache/kernel-$FIRST_KERNEL.env" --accel "$ACCEL" \
		--build-dir "$dir" --src harness/tests/broken/hangs-in-init.c \
		--only loads_cleanly --test-timeout 60 > "$dir.out" 2>&1 &
	pid=$!
	# Wait (bounded) until the test is running in the guest.
	while ! grep -qs '@@BEGIN' "$dir/proto-0.log" && [ $tries -lt 600 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	if [ $tries -ge 600 ]; then
		verdict fail "Ctrl-C: the test never began within 60 s"
	elif [ -n "$(leftover_qemu "$dir")" ]; then
		verdict fail "Ctrl-C: a QEMU process was left running"
	elif [ "$rc" -ne 130 ]; then
		verdict fail "Ctrl-C: checker exited $rc, not 130 (killed by SIGINT)"
	else
		verdict ok "Ctrl-C during a test stops the checker and its QEMU"
	fi
}

# ACCEL=auto's probe (harness/tools/accel.sh) answers within its bound,
# one line, leaving no QEMU: on this host as it is, and with KVM made to
# fail (a CPU model QEMU does not know), when it must say tcg.
accel_probe() {
	local dir=$OUT/accel start said secs args
	for case in "this host" "KVM failing"; do
		args=()
		[ "$case" = "KVM failing" ] && args=(--qemu-arg -cpu --qemu-arg no-such-cpu)
		start=$(now)
		said=$(harness/tools/accel.sh --kernel-env ".cache/kernel-$FIRST_KERNEL.env" \
			--refresh --cache-dir "$dir" --limit 8 "${args[@]}")
		secs=$(seconds_between "$start" "$(now)")
		if ! [[ $said =~ ^(kvm|tcg)\ \(.+\)$ ]]; then
			verdict fail "ACCEL=auto ($case): not one line 'kvm|tcg (why)': $said"
		elif [ "$case" = "KVM failing" ] && [ "${said%% *}" != tcg ]; then
			verdict fail "ACCEL=auto ($case): chose ${said%% *}, not tcg"
		elif awk -v s="$secs" 'BEGIN { exit !(s > 13) }'; then
			verdict fail "ACCEL=auto ($case): the probe took $secs s (bound 8 s)"
		elif [ -n "$(leftover_qemu "$dir")" ]; then
			verdict fail "ACCEL=auto ($case): a QEMU process was left running"
		else
			verdict ok "ACCEL=auto ($case), in $secs s: $said"
		fi
	done
}

# snap_check DIR NAME [checker options...]: lab01's solution with its saved
# VMs in DIR/snaps; DIR/NAME.out, its status in DIR/NAME.rc.
snap_check() {
	local dir=$1 name=$2
	shift 2
	mkdir -p "$dir/$name"
	date +%s > "$dir/$name.start"
	"$BUILD/lab01-register/check" --root . \
		--kernel-env ".cache/kernel-$FIRST_KERNEL.env" --accel "$ACCEL" \
		--build-dir "$dir/$name" --src solutions/lab01-register/mybrd.c \
		--snapshot-dir "$dir/snaps" --qemu-arg=-rtc \
		--qemu-arg=base=2000-01-01T00:00:00 "$@" > "$dir/$name.out" 2>&1
	echo $? > "$dir/$name.rc"
	date +%s > "$dir/$name.end"
}

# fresh_of DIR NAME: "<clock> <random>" of the run's @@FRESH line (init.sh
# prints it once the module is in): the guest's clock, 8 random bytes.
fresh_of() {
	cat "$1/$2"/proto-*.log 2> /dev/null | tr -d '\r' |
		sed -n 's/^@@FRESH clock=\([0-9]*\) random=\([0-9a-f]*\)$/\1 \2/p' |
		tail -n 1
}

# What a test may rely on being fresh: the VM the first check saved goes
# on (its clock started in 2000: -rtc base) and the next check resumes
# the same state. Each must draw random numbers of its own and both must
# have the time the host has.
fresh_verdict() {
	local dir=$1 name cold_random clock random start end
	read -r _ cold_random <<< "$(fresh_of "$dir" cold)"
	for name in cold warm; do
		read -r clock random <<< "$(fresh_of "$dir" "$name")"
		start=$(cat "$dir/$name.start")
		end=$(cat "$dir/$name.end")
		if [ -z "$random" ]; then
			verdict fail "saved VMs: the $name check's guest printed no @@FRESH line (see $dir/$name)"
			return
		elif [ "$name" = warm ] && [ "$random" = "$cold_random" ]; then
			verdict fail "saved VMs: the resumed VM drew the same random bytes as the one that saved it ($random)"
			return
		elif [ "$clock" -lt $((start - 1)) ] || [ "$clock" -gt $((end + 1)) ]; then
			verdict fail "saved VMs: the $name check's guest clock said $(date -u -d "@$clock"), the check ran at $(date -u -d "@$start")"
			return
		fi
	done
	verdict ok "saved VMs: a resumed VM draws random numbers of its own and has the host's time"
}

# snap_verdict DIR NAME WANT_RESUMED SAID WHAT: the run passed every test,
# resumed a saved VM or not, said SAID (a fixed string; "" nothing of
# resuming), left no QEMU.
snap_verdict() {
	local dir=$1 name=$2 resumed=$3 said=$4 what=$5 out=$1/$2.out
	if [ "$(cat "$dir/$name.rc")" != 0 ]; then
		sed 's/^/    /' "$out"
		verdict fail "saved VMs, $what: the solution failed"
	elif [ "$resumed" = yes ] && ! grep -q ', 1 resumed,' "$out"; then
		verdict fail "saved VMs, $what: the check booted instead of resuming"
	elif [ "$resumed" = no ] && grep -q ' resumed,' "$out"; then
		verdict fail "saved VMs, $what: the check resumed a VM it should not have"
	elif [ -n "$said" ] && [ "$(grep -cF "$said" "$out")" != 1 ]; then
		sed 's/^/    /' "$out"
		verdict fail "saved VMs, $what: not said once: $said"
	elif [ -z "$said" ] && grep -q 'Could not' "$out"; then
		verdict fail "saved VMs, $what: a line about saving or resuming: $(grep 'Could not' "$out")"
	elif [ -n "$(leftover_qemu "$dir/$name")" ]; then
		verdict fail "saved VMs, $what: a QEMU process was left running"
	else
		verdict ok "saved VMs: $what"
	fi
}

# The saved VM (snapshot.c), run alone: the first check saves it, the
# second resumes it; a state cut short, then one that never loads (a FIFO
# nobody writes, under a 10 s boot limit) are each said once and booted
# instead, and after the second failure nothing is saved again.
snapshot_proofs() {
	local dir=$OUT/snapshot state
	rm -rf "$dir"
	snap_check "$dir" cold
	snap_verdict "$dir" cold no "" "the first check boots and saves"
	state=$(find "$dir/snaps" -name vmstate 2> /dev/null | head -n 1)
	if [ -z "$state" ]; then
		verdict fail "saved VMs: the first check saved none in $dir/snaps"
		return
	fi
	snap_check "$dir" warm
	snap_verdict "$dir" warm yes "" "the next check resumes it"
	fresh_verdict "$dir"
	truncate -s 100000 "$state"
	snap_check "$dir" cut
	snap_verdict "$dir" cut no "Could not resume the saved VM (QEMU said:" \
		"a state cut short is said once, booted instead and saved anew"
	rm -f "$state"
	mkfifo "$state"
	snap_check "$dir" stuck --boot-timeout 10
	snap_verdict "$dir" stuck no "did not load within 10 s" \
		"a state that never loads is given up within the boot limit"
	snap_check "$dir" given-up
	if find "$dir/snaps" -name vmstate | grep -q .; then
		verdict fail "saved VMs: saved again after failing twice"
	else
		snap_verdict "$dir" given-up no "" "after two failures the checks boot and save nothing"
	fi
}

# make console-labN takes piped input intact: lab01's solution, commands
# on stdin (held until the guest's shell is ready), their effect in the
# output in order, the VM ended by the last one within a bound, no QEMU left.
console_input() {
	local dir=$OUT/console rc limit
	local ko=$MODULES/$FIRST_KERNEL/lab01-register-solution/mybrd-guest.ko
	local module=(--src solutions/lab01-register/mybrd.c)
	[ -f "$ko" ] && module=(--module "$ko")
	limit=$(awk -v k="${MYBRD_TIMEOUT_SCALE:-1}" 'BEGIN { printf "%d", 60 * (k > 0 ? k : 1) }')
	mkdir -p "$dir"
	timeout "$limit" "$BUILD/lab01-register/check" --root . \
		--kernel-env ".cache/kernel-$FIRST_KERNEL.env" --accel "$ACCEL" \
		--build-dir "$dir" "${module[@]}" --console > "$dir.out" 2>&1 <<'EOF'
registration_facts
rmmod mybrd
registration_facts
poweroff
EOF
	rc=$?
	if [ "$rc" -ne 0 ]; then
		sed 's/^/    /' "$dir.out"
		verdict fail "console: the checker exited $rc (124: the VM did not end within $limit s)"
	elif ! tr -d '\r' < "$dir.out" | awk '/^disk=yes/ { y = 1 }
		y && /# rmmod mybrd$/ { r = 1 } r && /^disk=no/ { n = 1 }
		END { exit !n }'; then
		sed 's/^/    /' "$dir.out"
		verdict fail "console: piped commands lost or mangled (no disk=yes, rmmod mybrd, disk=no in order)"
	elif [ -n "$(leftover_qemu "$dir")" ]; then
		verdict fail "console: a QEMU process was left running"
	else
		verdict ok "console: piped commands arrive intact (rmmod mybrd, then disk=no) and poweroff ends the VM"
	fi
}

# probe-cache answers a compiler probe as the compiler does, from the
# cache the second time, and passes a real compile's errors through.
probe_cache_agrees() {
	local pc=$BUILD/harness/probe-cache dir=$OUT/probe-cache flags want got
	mkdir -p "$dir"
	for flags in -O2 -fno-such-option; do
		gcc $flags -c -x c /dev/null -o "$dir/want.o" 2> /dev/null
		want=$?
		for round in first cached; do
			PROBE_CACHE_DIR=$dir/answers "$pc" gcc $flags -c -x c \
				/dev/null -o "$dir/got.o" 2> /dev/null
			got=$?
			if [ $got -ne $want ]; then
				verdict fail "probe-cache: gcc $flags exits $got ($round), gcc says $want"
				return
			fi
		done
	done
	printf 'int main(void) { return undeclared; }\n' > "$dir/bad.c"
	got=$(PROBE_CACHE_DIR=$dir/answers "$pc" gcc -c "$dir/bad.c" \
		-o "$dir/bad.o" 2>&1)
	if [[ $got == *undeclared* ]]; then
		verdict ok "probe-cache answers probes as gcc does and passes real compiles through"
	else
		verdict fail "probe-cache hid a real compile's error"
	fi
}

# Every shell file, the guest's tests included, is shellcheck clean.
shellcheck_clean() {
	local said
	if said=$(harness/tests/shellcheck.sh 2>&1); then
		verdict ok "$said"
	else
		echo "$said"
		verdict fail "make shellcheck: ${said##*$'\n'}"
	fi
}

suite_start=$(now)
echo "=== harness unit tests"
for bin in "$BUILD"/harness/test_*; do
	[ -x "$bin" ] && unit_tests "$bin"
done
probe_cache_agrees
shellcheck_clean

echo "=== running the checkers ($JOBS at a time)"
start_runs

echo "=== deliberately broken modules (lab01 checker)"
for entry in "${BROKEN[@]}"; do
	IFS='|' read -r name tests pattern boots rc <<< "$entry"
	judge_broken "$name" "$tests" "$pattern" "$boots" "$rc"
done
replay_verdicts "$OUT/serial-proofs.log"
judge_weakened
echo "=== mutants: broken drivers for the tests the skeletons pass"
judge_mutants "$FIRST_KERNEL" "${MUTANTS[@]}"

for kernel in "${KERNELS[@]}"; do
	for lab in "${LABS[@]}"; do
		echo "=== $lab (kernel $kernel)"
		prove_lab "$kernel" "$lab"
	done
done

judge_debug

echo
echo "=== summary (${ACCEL_WHY:-$ACCEL}, $JOBS parallel VMs)"
printf '%-22s %-10s %-13s %5s %9s %10s %5s %5s\n' lab host kernel tests solution \
	skeleton "sol" "skel"
printf '%-22s %-10s %-13s %5s %9s %10s %5s %5s\n' "" "" "" "" passed "as listed" s s
for row in "${table[@]}"; do
	echo "$row"
done
echo "total: $(seconds_between "$suite_start" "$(now)") s"
for f in "${failures[@]}"; do
	echo "failed: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
