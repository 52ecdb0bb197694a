#!/usr/bin/env bash
# Grades a class: every subdirectory of SUBMISSIONS is one student's copy of
# the lab directories (or of the whole repository). For each student and lab
# only the student's mybrd.c is taken and checked with THIS repository's
# checker, Kbuild and compat header (never the student's Makefiles or
# scripts; the module is only ever loaded inside the VM). Writes
# OUT/grades.csv and one JUnit XML file per student, OUT/junit/STUDENT.xml.
# A broken submission becomes rows with their cause; it never stops the run.
set -uo pipefail
# Bash 5.2 would read "&" in ${s//x/&amp;} as the match: keep it literal.
shopt -u patsub_replacement 2>/dev/null || true

usage() {
	cat <<'EOF'
usage: harness/tools/grade.sh --submissions DIR [--labs "1 2 ..."] [--out DIR]
                              [--jobs N] [--kernel default|newest|SERIES] [--accel tcg|kvm]
                              [--debug]

Checks every student's mybrd.c with this repository's checkers (the same
as `make check-labN`) and writes:
  OUT/grades.csv         student,lab,passed,total,seconds,cause
                         (cause is empty when every test passed; otherwise
                         the first failed test's reason, "missing mybrd.c" or
                         "does not compile: " and the compiler's first error)
  OUT/junit/STUDENT.xml  a testsuite per lab, a testcase per test (the
                         file is named from the name's characters
                         A-Za-z0-9._- , others become _, as OUT/work/ is)
  OUT/work/STUDENT/LAB/  the graded copy of mybrd.c, the checker's output
                         (check.log), its results file and build directory

  --submissions DIR  one subdirectory per student; a student's lab is found
                     as DIR/STUDENT/labNN-*/mybrd.c or, for a copy of the
                     whole repository, DIR/STUDENT/*/labNN-*/mybrd.c
                     (solutions/ directories are never taken)
  --labs LIST        lab numbers or directory names, separated by spaces or
                     commas (default: every lab0*/ of this repository)
  --out DIR          output directory (default: build/grades)
  --jobs N           checks run in parallel (default: number of cores)
  --kernel S         kernel series (default: 6.1)
  --accel A          QEMU accelerator (default: tcg)
  --debug            grade on the labs' debug kernel (make grade DEBUG=1):
                     KASAN, kmemleak, lockdep, init's error paths
  --help             print this text

Exit status: 0 when every check ran (whatever the students' scores), 1 when
some check could not run (e.g. QEMU failed to start: its rows say so), 2 on
a usage or set-up error. MYBRD_TIMEOUT_SCALE=k scales the checkers' limits.
EOF
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" grade 2
SUBMISSIONS=
LAB_ARGS=
OUT=build/grades
JOBS=
KERNEL=default
ACCEL=tcg
DEBUG=

parse_args() {
	parse_options "--submissions=SUBMISSIONS --labs=LAB_ARGS --out=OUT \
		--jobs=JOBS --kernel=KERNEL --accel=ACCEL --debug:DEBUG" "$@"
	[[ -n $SUBMISSIONS ]] || die "no submissions given: make grade SUBMISSIONS=DIR (see --help)."
	[[ -d $SUBMISSIONS ]] || die "$SUBMISSIONS is not a directory."
	SUBMISSIONS=$(cd "$SUBMISSIONS" && pwd)
	[[ -n $JOBS ]] || JOBS=$(nproc 2>/dev/null || echo 1)
	[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$JOBS'."
	check_series "$KERNEL"
}

# Lab numbers or names to lab directories, in LABS (all labs when none).
resolve_labs() {
	local tok n matches
	LABS=()
	if [[ -z ${LAB_ARGS//[ ,]/} ]]; then
		for d in lab0*/; do [[ -d $d ]] && LABS+=("${d%/}"); done
		((${#LABS[@]})) || die "this repository has no lab0*/ directory."
		return
	fi
	for tok in ${LAB_ARGS//,/ }; do
		if [[ $tok =~ ^[0-9]+$ ]]; then
			n=$((10#$tok))
			matches=(lab"$(printf %02d "$n")"-*/)
		else
			matches=("${tok%/}/")
			[[ -d ${matches[0]} ]] || matches=("${tok%/}"-*/)
		fi
		[[ -d ${matches[0]} && -f ${matches[0]}check.c ]] ||
			die "no lab '$tok' here (labs: $(printf '%s ' lab0*/ | tr -d /))."
		LABS+=("${matches[0]%/}")
	done
}

# --- escaping ------------------------------------------------------------------

# Valid UTF-8, no control characters but tab and newline (XML 1.0 forbids them).
clean_text() {
	iconv -f UTF-8 -t UTF-8 -c 2>/dev/null | tr -d '\000-\010\013\014\016-\037\177'
}

xml_escape() {
	local s
	s=$(printf '%s' "$1" | clean_text)
	s=${s//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	s=${s//\"/&quot;}
	s=${s//\'/&apos;}
	printf '%s' "$s"
}

# An attribute keeps its newlines only as character references.
xml_attr() {
	local s
	s=$(xml_escape "$1")
	s=${s//$'\t'/&#9;}
	s=${s//$'\n'/&#10;}
	printf '%s' "$s"
}

csv_field() {
	local s
	s=$(printf '%s' "$1" | clean_text)
	if [[ $s == *[,\"$'\n'$'\r']* || $s == " "* || $s == *" " ]]; then
		s=\"${s//\"/\"\"}\"
	fi
	printf '%s' "$s"
}

# Kbuild (M=) and the checker's shell commands need a plain path: each
# student's work directory is named from the name's safe characters.
name_work_dir() {
	local slug=${1//[^A-Za-z0-9._-]/_} try n=1 taken d
	try=$slug
	while :; do
		taken=
		for d in "${SLUG[@]}"; do [[ $d == "$try" ]] && taken=1; done
		[[ -z $taken ]] && break
		n=$((n + 1))
		try=$slug-$n
	done
	SLUG[$1]=$try
}

# --- one check -------------------------------------------------------------------

# The student's mybrd.c of lab $2, or nothing: lab dirs at depth 1 first,
# then at depth 2 (a copy of the whole repository); never under solutions/.
find_source() {
	local dir=$1 lab=$2 prefix=${2%%-*} f
	for f in "$dir"/"$lab"/mybrd.c "$dir"/"$prefix"-*/mybrd.c \
		"$dir"/*/"$lab"/mybrd.c "$dir"/*/"$prefix"-*/mybrd.c; do
		[[ -f $f ]] || continue
		[[ $(basename "$(dirname "$(dirname "$f")")") == solutions ]] && continue
		echo "$f"
		return 0
	done
	return 1
}

# Tests of a lab, in order (name per line).
lab_tests() {
	"$ROOT/build/$1/check" --list ${DEBUG:+--debug} | cut -f1
}

# check STUDENT LAB: runs the checker; leaves its files in OUT/work/S/LAB.
# Writes there: status (ran|missing|norun), seconds, results, check.log.
check_one() {
	local student=$1 lab=$2 dir=$WORK/${SLUG[$1]}/$2 src start rc=0 pid
	rm -rf "$dir"
	mkdir -p "$dir/build"
	if ! src=$(find_source "$SUBMISSIONS/$student" "$lab"); then
		echo missing >"$dir/status"
		echo 0.0 >"$dir/seconds"
		return
	fi
	# The graded copy: what was checked stays on record.
	cp -- "$src" "$dir/mybrd.c"
	echo "$src" >"$dir/source"
	start=$(now)
	"$ROOT/build/$lab/check" --root "$ROOT" --kernel-env "$KENV" \
		--accel "$ACCEL" ${DEBUG:+--debug} --src "$dir/mybrd.c" --build-dir "$dir/build" \
		--results "$dir/results" --label "$student" \
		</dev/null >"$dir/check.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	wait "$pid"
	rc=$?
	rm -f "$dir/pid"
	printf '%s\n' "$(seconds_between "$start" "$(now)")" >"$dir/seconds"
	echo "$rc" >"$dir/rc"
	# 0: all passed, 1: some failed; else the checker itself could not run.
	if [[ $rc == 0 || $rc == 1 ]] && [[ -s $dir/results ]]; then
		echo ran >"$dir/status"
	else
		echo norun >"$dir/status"
	fi
}

# The one-line verdict of a finished check, for the progress lines.
verdict_of() {
	local dir=$WORK/${SLUG[$1]}/$2 status
	status=$(cat "$dir/status" 2>/dev/null)
	case $status in
	missing) echo "missing mybrd.c" ;;
	norun) echo "the checker could not run (exit $(cat "$dir/rc" 2>/dev/null)): see $dir/check.log" ;;
	ran) awk -F '\t' '$2 == "PASS" { p++ } END { printf "%d passed", p }' "$dir/results"
		printf ' of %s (%s s)\n' "$(lab_tests "$2" | wc -l)" "$(cat "$dir/seconds")" ;;
	*) echo "no result" ;;
	esac
}

# --- reports -------------------------------------------------------------------

# ": LINE" with the compiler's first error in a check's log, if any.
first_error() {
	local line
	line=$(grep -m1 -E '^ +mybrd\.c:[0-9]+:([0-9]+:)? (fatal )?error: ' \
		"$1/check.log" 2>/dev/null | sed 's/^ *//')
	[[ -z $line ]] || printf ': %s' "$line"
}

# why_of LAB DIR TEST: the failure reason of a test, empty if it passed.
# Sets PASSED and TOTAL and CAUSE (first failure in test order) on request.
summarize() {
	local student=$1 lab=$2 dir=$WORK/${SLUG[$1]}/$2 status name res why
	status=$(cat "$dir/status" 2>/dev/null || echo norun)
	PASSED=0 TOTAL=0 CAUSE=
	SECONDS_USED=$(cat "$dir/seconds" 2>/dev/null || echo 0.0)
	TESTS_WHY=()
	while read -r name; do
		TOTAL=$((TOTAL + 1))
		case $status in
		missing) why="missing mybrd.c" ;;
		norun) why="the checker could not run (exit status $(cat "$dir/rc" 2>/dev/null || echo '?')); see $dir/check.log" ;;
		*)
			res=$(awk -F '\t' -v t="$name" '$1 == t { print $2; exit }' "$dir/results")
			why=$(awk -F '\t' -v t="$name" '$1 == t { print $3; exit }' "$dir/results")
			if [[ $res == PASS ]]; then
				why=
			elif [[ -z $res ]]; then
				why="not run (the checker left no result for this test)"
			elif [[ $why == "mybrd.c does not compile" ]]; then
				why="does not compile$(first_error "$dir")"
			elif [[ -z $why ]]; then
				why="failed"
			fi ;;
		esac
		TESTS_WHY+=("$name"$'\t'"$why")
		if [[ -z $why ]]; then
			PASSED=$((PASSED + 1))
		elif [[ -z $CAUSE ]]; then
			CAUSE=$why
		fi
	done < <(lab_tests "$lab")
}

write_csv() {
	local csv=$OUT/grades.csv tmp student lab
	tmp=$csv.tmp
	echo "student,lab,passed,total,seconds,cause" >"$tmp"
	for student in "${STUDENTS[@]}"; do
		for lab in "${LABS[@]}"; do
			summarize "$student" "$lab"
			printf '%s,%s,%d,%d,%s,%s\n' "$(csv_field "$student")" "$lab" \
				"$PASSED" "$TOTAL" "$SECONDS_USED" "$(csv_field "$CAUSE")" >>"$tmp"
		done
	done
	mv "$tmp" "$csv"
}

# The checker's output, for a suite's <system-out> (compiler errors too).
system_out() {
	local dir=$1 status
	status=$(cat "$dir/status" 2>/dev/null)
	if [[ $status == missing ]]; then
		echo "No labNN-*/mybrd.c for this lab in the submission."
	elif [[ -f $dir/check.log ]]; then
		echo "Checked: $(cat "$dir/source" 2>/dev/null)"
		cat "$dir/check.log"
	fi
}

write_junit() {
	local student=$1 xml lab dir entry name why n_tests=0 n_fail=0 total_s=0
	local -a suites=()
	mkdir -p "$OUT/junit"
	xml=$OUT/junit/${SLUG[$student]}.xml
	for lab in "${LABS[@]}"; do
		dir=$WORK/${SLUG[$student]}/$lab
		summarize "$student" "$lab"
		n_tests=$((n_tests + TOTAL))
		n_fail=$((n_fail + TOTAL - PASSED))
		total_s=$(awk -v a="$total_s" -v b="$SECONDS_USED" 'BEGIN { printf "%.1f", a + b }')
		{
			printf '  <testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="0" time="%s">\n' \
				"$(xml_attr "$lab")" "$TOTAL" "$((TOTAL - PASSED))" "$SECONDS_USED"
			for entry in "${TESTS_WHY[@]}"; do
				name=${entry%%$'\t'*}
				why=${entry#*$'\t'}
				printf '    <testcase classname="%s" name="%s"' \
					"$(xml_attr "$student.$lab")" "$(xml_attr "$name")"
				if [[ -z $why ]]; then
					printf '/>\n'
				else
					printf '>\n      <failure message="%s" type="FAIL">%s</failure>\n    </testcase>\n' \
						"$(xml_attr "$why")" "$(xml_escape "$why")"
				fi
			done
			printf '    <system-out>%s</system-out>\n' "$(xml_escape "$(system_out "$dir")")"
			printf '  </testsuite>\n'
		} >"$dir/junit-suite.xml"
		suites+=("$dir/junit-suite.xml")
	done
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<testsuites name="%s" tests="%d" failures="%d" errors="0" time="%s">\n' \
			"$(xml_attr "mybrd labs: $student")" "$n_tests" "$n_fail" "$total_s"
		cat "${suites[@]}"
		printf '</testsuites>\n'
	} >"$xml.tmp" && mv "$xml.tmp" "$xml"
}

print_table() {
	local student lab
	echo
	printf '%-20s %-22s %6s  %s\n' student lab passed cause
	for student in "${STUDENTS[@]}"; do
		for lab in "${LABS[@]}"; do
			summarize "$student" "$lab"
			printf '%-20s %-22s %6s  %s\n' "$student" "$lab" "$PASSED/$TOTAL" "${CAUSE:0:100}"
		done
	done
}

# --- the run -------------------------------------------------------------------

# Stops the checks still running (each kills its own QEMU on SIGTERM).
stop_checks() {
	local f
	for f in "$WORK"/*/*/pid; do
		[[ -f $f ]] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	wait
	echo "grade: interrupted; $OUT is incomplete." >&2
	exit 130
}

build_checkers() {
	local lab
	for lab in "${LABS[@]}"; do
		# Our command line (e.g. LABS="1 2") must not reach the sub-make.
		env -u MAKEFLAGS -u MAKEOVERRIDES -u MFLAGS make -s -C "$ROOT" \
			"build/$lab/check" >/dev/null ||
			die "cannot build the checker of $lab (make build/$lab/check)."
	done
}

main() {
	parse_args "$@"
	cd "$ROOT" || exit 2
	KENV=$ROOT/.cache/kernel-${DEBUG:+debug-}$KERNEL.env
	read_kernel_env "$KENV"
	resolve_labs
	mkdir -p "$OUT" || die "cannot create $OUT."
	OUT=$(cd "$OUT" && pwd)
	WORK=$OUT/work
	STUDENTS=()
	declare -gA SLUG=()
	local d
	for d in "$SUBMISSIONS"/*/; do
		[[ -d $d ]] || continue
		STUDENTS+=("$(basename "$d")")
		name_work_dir "${STUDENTS[-1]}"
	done
	((${#STUDENTS[@]})) || die "$SUBMISSIONS has no student subdirectory."
	build_checkers
	rm -rf "$WORK" "$OUT/junit" "$OUT/grades.csv"
	mkdir -p "$WORK"
	trap stop_checks INT TERM HUP

	local n=$((${#STUDENTS[@]} * ${#LABS[@]})) i=0 running=0 student lab start
	start=$(now)
	echo "grade: ${#STUDENTS[@]} students x ${#LABS[@]} labs, $JOBS at a time, kernel $KERNEL"
	for student in "${STUDENTS[@]}"; do
		for lab in "${LABS[@]}"; do
			if ((running >= JOBS)); then
				wait -n
				running=$((running - 1))
			fi
			i=$((i + 1))
			(
				check_one "$student" "$lab"
				printf 'grade: [%d/%d] %s %s: %s\n' "$i" "$n" "$student" "$lab" \
					"$(verdict_of "$student" "$lab")"
			) &
			running=$((running + 1))
		done
	done
	wait
	trap - INT TERM HUP

	write_csv
	for student in "${STUDENTS[@]}"; do
		write_junit "$student"
	done
	print_table
	local norun
	norun=$(grep -lx norun "$WORK"/*/*/status 2>/dev/null | wc -l)
	echo
	echo "grade: wrote $OUT/grades.csv and $OUT/junit/ ($(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s)"
	if ((norun)); then
		echo "grade: $norun check(s) could not run (not the students' fault); see the rows that say so and run again." >&2
		exit 1
	fi
}

main "$@"
