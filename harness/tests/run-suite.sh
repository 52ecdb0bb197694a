#!/usr/bin/env bash
# The test suite behind `make test`: the harness's unit tests, skeletons in
# sync with their solutions, every lab's checker proved both ways (the
# solution passes every test; the untouched skeleton fails exactly the tests
# it lists), and deliberately broken modules judged with the right cause.
# Ends with one line of its own: "N passed, M failed".
set -uo pipefail

usage() {
	echo "usage: $0 [--kernel 6.1|6.12]... [--accel tcg|kvm] LAB..."
	echo "Each --kernel adds a kernel; every lab is proved on each, the"
	echo "harness's own tests run on the first."
}

KERNELS=()
ACCEL=tcg
LABS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNELS+=("$2"); shift 2 ;;
	--accel) ACCEL=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) LABS+=("$1"); shift ;;
	esac
done

[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1)
cd "$(dirname "$0")/../.." || exit 2
BUILD=build
OUT=$BUILD/test
KERNEL=${KERNELS[0]}
KENV=.cache/kernel-$KERNEL.env
# Short limits for the broken modules' hangs; scaled like every limit.
SELFTEST_TIMEOUT=5
rm -rf "$OUT"
mkdir -p "$OUT"

passed=0
failed=0
failures=()
table=()

verdict() { # verdict ok|fail "what"
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "  ok    $2"
	else
		failed=$((failed + 1))
		failures+=("$2")
		echo "  FAIL  $2"
	fi
}

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# QEMU processes started for this output directory (there must be none).
leftover_qemu() {
	pgrep -f "qemu-system-x86_64.*${OUT}/" || true
}

# A CUnit program's own verdicts: its "tests" summary row counts them.
unit_tests() {
	local bin=$1 log
	log=$OUT/$(basename "$1").log
	"$bin" harness/tests/logs > "$log" 2>&1
	local rc=$? row
	cat "$log"
	row=$(awk '$1 == "tests" { print $4, $5 }' "$log")
	if [ -z "$row" ]; then
		verdict fail "$(basename "$bin") did not run (exit status $rc)"
		return
	fi
	set -- $row
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

# run_check LAB VARIANT SRC [checker options...]: output in $OUT/LAB-VARIANT.*
run_check() {
	local lab=$1 variant=$2 src=$3
	shift 3
	local dir=$OUT/$KERNEL/$lab-$variant
	mkdir -p "$dir"
	echo "--- $lab: $variant ($src, kernel $KERNEL)"
	"$BUILD/$lab/check" --root . --kernel-env "$KENV" --accel "$ACCEL" \
		--build-dir "$dir" --src "$src" --label "$variant" \
		--results "$dir.results" "$@" 2>&1 | tee "$dir.out"
	return "${PIPESTATUS[0]}"
}

# The result (PASS or FAIL) of one test in a results file.
result_of() {
	awk -F '\t' -v t="$2" '$1 == t { print $2 }' "$1"
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

prove_lab() {
	local lab=$1 start sol_pass=0 skel_ok=0 total=0 name must_fail res said
	start=$(now)
	skeleton_in_sync "$lab"
	run_check "$lab" solution "solutions/$lab/mybrd.c"
	run_check "$lab" skeleton "$lab/mybrd.c"
	echo "--- $lab: verdicts"
	while IFS=$'\t' read -r name must_fail; do
		total=$((total + 1))
		res=$(result_of "$OUT/$KERNEL/$lab-solution.results" "$name")
		if [ "$res" = PASS ]; then
			sol_pass=$((sol_pass + 1))
			verdict ok "$lab/$name passes on the solution"
		else
			verdict fail "$lab/$name fails on the solution (${res:-not run})"
		fi
		res=$(result_of "$OUT/$KERNEL/$lab-skeleton.results" "$name")
		said=$(skeleton_verdict "$lab/$name" "$must_fail" "$res")
		verdict "${said%% *}" "${said#* }"
		[ "${said%% *}" = ok ] && skel_ok=$((skel_ok + 1))
	done < <("$BUILD/$lab/check" --list)
	table+=("$(printf '%-22s %-6s %5d %9d %10d %8s' "$lab" "$KERNEL" \
		"$total" "$sol_pass" "$skel_ok" "$(seconds_since "$start")")")
}

# broken NAME TESTS PATTERN BOOTS: the lab01 checker on a broken module.
broken() {
	local name=$1 tests=$2 pattern=$3 boots=$4 start rc secs limit
	start=$(now)
	run_check lab01-register "broken-$name" "harness/tests/broken/$name.c" \
		--only "$tests" --test-timeout "$SELFTEST_TIMEOUT" > /dev/null
	rc=$?
	secs=$(seconds_since "$start")
	limit=60
	local out=$OUT/$KERNEL/lab01-register-broken-$name.out
	sed 's/^/    /' "$out"
	if [ "$rc" -ne 1 ]; then
		verdict fail "broken module $name: checker exited $rc, not 1"
	elif ! grep -qF -- "$pattern" "$out"; then
		verdict fail "broken module $name: no '$pattern' in the checker's output"
	elif [ -n "$boots" ] && ! grep -qF "in $boots boot" "$out"; then
		verdict fail "broken module $name: expected $boots boot(s), one per crash"
	elif awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s > l) }'; then
		verdict fail "broken module $name: took $secs s, over $limit s"
	elif [ -n "$(leftover_qemu)" ]; then
		verdict fail "broken module $name: a QEMU process was left running"
	else
		verdict ok "broken module $name: '$pattern' in $secs s, no QEMU left"
	fi
}

# Ctrl-C in the middle of a boot kills QEMU too.
interrupted() {
	local dir=$OUT/interrupt pid rc tries=0
	mkdir -p "$dir"
	"$BUILD/lab01-register/check" --root . --kernel-env "$KENV" \
		--accel "$ACCEL" --build-dir "$dir" \
		--src harness/tests/broken/hangs-in-init.c --only loads_cleanly \
		--test-timeout 60 > "$dir.out" 2>&1 &
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
	elif [ -n "$(leftover_qemu)" ]; then
		verdict fail "Ctrl-C: a QEMU process was left running"
	elif [ "$rc" -ne 130 ]; then
		verdict fail "Ctrl-C: checker exited $rc, not 130 (killed by SIGINT)"
	else
		verdict ok "Ctrl-C during a test stops the checker and its QEMU"
	fi
}

# A checker test weakened to assert nothing passes on the skeleton, and the
# expected-failure list catches it: the proof above is not vacuous.
weakened() {
	local lab=lab01-register test=registers_major res must_fail
	run_check "$lab" weakened "$lab/mybrd.c" --only "$test" \
		--weaken "$test" > /dev/null
	res=$(result_of "$OUT/$KERNEL/$lab-weakened.results" "$test")
	must_fail=$("$BUILD/$lab/check" --list | awk -F '\t' -v t="$test" '$1 == t { print $2 }')
	local said
	said=$(skeleton_verdict "$lab/$test" "$must_fail" "$res")
	case "$said" in
	fail*) verdict ok "a weakened $lab/$test is caught: ${said#fail }" ;;
	*) verdict fail "a weakened $lab/$test was not caught (${said})" ;;
	esac
}

suite_start=$(now)
echo "=== harness unit tests"
for bin in "$BUILD"/harness/test_*; do
	[ -x "$bin" ] && unit_tests "$bin"
done

echo "=== deliberately broken modules (lab01 checker)"
broken no-compile loads_cleanly "mybrd.c does not compile" ""
broken fails-insmod loads_cleanly "No such device" 1
broken oops-in-init loads_cleanly,registers_major "a kernel oops stopped the VM" 2
broken panics loads_cleanly "a kernel panic stopped the VM (Kernel panic - not syncing: mybrd self-test: panic in init)" 1
broken warns loads_cleanly "a kernel WARNING" 1
broken hangs-in-init loads_cleanly,registers_major "it hung: no end within" 2
broken hangs-in-rmmod rmmod_removes_disk_and_major "it hung: no end within" 1
interrupted
weakened

for KERNEL in "${KERNELS[@]}"; do
	KENV=.cache/kernel-$KERNEL.env
	for lab in "${LABS[@]}"; do
		echo "=== $lab (kernel $KERNEL)"
		prove_lab "$lab"
	done
done

echo
echo "=== summary ($ACCEL)"
printf '%-22s %-6s %5s %9s %10s %8s\n' lab kernel tests solution skeleton seconds
printf '%-22s %-6s %5s %9s %10s %8s\n' "" "" "" passed "as listed" ""
for row in "${table[@]}"; do
	echo "$row"
done
echo "total: $(seconds_since "$suite_start") s"
for f in "${failures[@]}"; do
	echo "failed: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
