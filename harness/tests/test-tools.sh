#!/usr/bin/env bash
# make test-tools: the instructor tooling end to end, on lab01 (about 30 s;
# make picture, on lab06, another 40):
# grade scores a solved and an untouched submission right and writes JUnit
# that parses; student-tree leaves the instructor files out and its copy
# refuses instructor targets; compile_commands.json covers every mybrd.c;
# make style is clean. Ends with "N passed, M failed".
set -uo pipefail
# shellcheck source=../tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh" test-tools 2
cd "$ROOT" || exit 2
OUT=build/test-tools
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck source=harness/tests/verdict.sh
. harness/tests/verdict.sh

grade_scores() {
	local subs=$OUT/submissions csv
	mkdir -p "$subs/solved/lab01-register" "$subs/untouched/lab01-register"
	cp solutions/lab01-register/mybrd.c "$subs/solved/lab01-register/"
	cp lab01-register/mybrd.c "$subs/untouched/lab01-register/"
	make -s grade SUBMISSIONS="$subs" LABS=1 OUT="$OUT/grades" \
		> "$OUT/grade.log" 2>&1
	csv=$OUT/grades/grades.csv
	# lab01's number of tests, as its checker lists them.
	local n
	n=$(build/lab01-register/check --list | wc -l)
	if grep -q "^solved,lab01-register,$n,$n," "$csv" 2>/dev/null &&
		awk -F, -v n="$n" '$1 == "untouched" && $2 == "lab01-register" &&
			$3 < n && $4 == n { found = 1 } END { exit !found }' "$csv"; then
		verdict ok "grade: solved $n/$n, untouched below $n in grades.csv"
	else
		verdict fail "grade: grades.csv does not score them right ($OUT/grade.log)"
	fi
	if python3 - "$OUT"/grades/junit/*.xml <<'EOF'
import sys
import xml.etree.ElementTree as ET
for f in sys.argv[1:]:
    ET.parse(f)
sys.exit(0 if len(sys.argv) == 3 else 1)
EOF
	then
		verdict ok "grade: one JUnit file per student, each parses"
	else
		verdict fail "grade: JUnit files missing or not XML"
	fi
}

student_tree() {
	local dest=$OUT/student-tree
	make -s student-tree DEST="$dest" UNTRACKED=1 > "$OUT/st.log" 2>&1
	if [ -d "$dest/lab01-register" ] && [ ! -e "$dest/solutions" ] &&
		[ ! -e "$dest/harness/tools/grade.sh" ] &&
		[ ! -e "$dest/harness/tests" ]; then
		verdict ok "student-tree: the labs without solutions/, grading or self-tests"
	else
		verdict fail "student-tree: wrong contents ($OUT/st.log)"
	fi
	local said
	said=$(make -s -C "$dest" test 2>&1)
	if [[ $said == *"instructor target"* ]]; then
		verdict ok "student-tree: make test in the copy says it is an instructor target"
	else
		verdict fail "student-tree: make test in the copy does not refuse"
	fi
}

compile_commands() {
	make -s compile_commands.json > "$OUT/cc.log" 2>&1
	if python3 - <<'EOF'
import glob, json, os, sys
files = {e["file"] for e in json.load(open("compile_commands.json"))}
want = {os.path.abspath(f) for f in glob.glob("*/mybrd.c") + glob.glob("solutions/*/mybrd.c")}
sys.exit(0 if want and want <= files else 1)
EOF
	then
		verdict ok "compile_commands.json covers every lab's and solution's mybrd.c"
	else
		verdict fail "compile_commands.json is not valid or misses a mybrd.c ($OUT/cc.log)"
	fi
}

style_clean() {
	if make -s style > "$OUT/style.log" 2>&1; then
		verdict ok "make style: every solution is checkpatch --strict clean"
	else
		verdict fail "make style: not clean ($OUT/style.log)"
	fi
}

# make picture draws lab 06's six paths and lab 03's and 04's ->queue_rq,
# each ending in the driver.
picture_draws() {
	local dir=build/picture-default
	make -s picture > "$OUT/picture.log" 2>&1
	if [ "$(wc -l < "$dir/paths.txt" 2>/dev/null)" = 8 ] &&
		! grep -vqE ' (mybrd_submit_bio|mybrd_evict_pre|mybrd_queue_rq)$' "$dir/paths.txt" &&
		[ "$(head -c 4 "$dir/paths.png" | od -An -tx1 | tr -d ' \n')" = 89504e47 ]; then
		verdict ok "picture: eight paths from system call to the driver, drawn as PNG"
	else
		verdict fail "picture: paths or PNG missing ($OUT/picture.log)"
	fi
}

grade_scores
picture_draws
student_tree
compile_commands
style_clean
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
