#!/usr/bin/env bash
# Writes the students' copy of this repository into a new directory: the
# files git tracks (no build products, no .cache), less the instructor-only
# paths listed in harness/tools/instructor-only.txt and, in Markdown files,
# less the lines between "<!-- instructor-only -->" and
# "<!-- /instructor-only -->". In the copy, make check-labN works (and fails
# on the untouched skeletons); make test and the other instructor targets
# say that they are instructor targets.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: harness/tools/student-tree.sh --dest DIR [--untracked]

  --dest DIR    where to write the copy; must not exist, or be empty
  --untracked   also copy files git does not track yet (and does not
                ignore): to make a copy before committing
  --help        print this text

The working tree's contents are copied (uncommitted edits included); what
is left out is listed in harness/tools/instructor-only.txt. In Markdown
files, lines from "<!-- instructor-only -->" to "<!-- /instructor-only -->"
(each alone on its line) are left out too.
USAGE
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" student-tree 2
LIST=$ROOT/harness/tools/instructor-only.txt
DEST=
UNTRACKED=

parse_options "--dest=DEST --untracked:UNTRACKED" "$@"
[[ -n $DEST ]] || die "no destination: make student-tree DEST=DIR."
if [[ -e $DEST ]]; then
	[[ -d $DEST && -z $(ls -A "$DEST") ]] ||
		die "$DEST exists and is not an empty directory; name a new one."
fi
[[ -f $LIST ]] || die "$LIST is missing."
command -v git >/dev/null || die "git is needed (the copy is made from git ls-files)."
git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 ||
	die "$ROOT is not a git work tree; the copy is made from git ls-files."

mapfile -t EXCLUDED < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$LIST")

excluded() {
	local p
	for p in "${EXCLUDED[@]}"; do
		if [[ $p == */ ]]; then
			[[ $1 == "$p"* ]] && return 0
		else
			[[ $1 == "$p" ]] && return 0
		fi
	done
	return 1
}

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
case $DEST/ in
"$ROOT"/*) # Inside this tree: must not copy itself (git ignores build/ only).
	[[ -n $(git -C "$ROOT" check-ignore "$DEST" 2>/dev/null) ]] ||
		die "$DEST is inside the repository and not ignored by git; choose a directory outside it (or under build/)." ;;
esac

# In Markdown files, the lines from "<!-- instructor-only -->" to
# "<!-- /instructor-only -->" (each alone on its line) are for instructors:
# the copy leaves them out, markers included.
OPEN='<!-- instructor-only -->'
CLOSE='<!-- /instructor-only -->'
strip_instructor_parts() {
	awk -v open="$OPEN" -v stop="$CLOSE" -v file="$1" '
		$0 == open { if (skip) bad = 1; skip = 1; next }
		$0 == stop { if (!skip) bad = 1; skip = 0; next }
		!skip { print }
		END {
			if (skip || bad) {
				print "student-tree: " file ": unbalanced instructor-only markers" > "/dev/stderr"
				exit 1
			}
		}' "$1" || die "fix the markers in $1."
}
trimmed=()

cd "$ROOT"
opts=(--cached)
[[ -n $UNTRACKED ]] && opts+=(--others --exclude-standard)
copied=0
left=0
while IFS= read -r -d '' f; do
	# Tracked but deleted in the working tree: nothing to copy.
	[[ -e $f || -L $f ]] || continue
	if excluded "$f"; then
		left=$((left + 1))
		continue
	fi
	mkdir -p "$DEST/$(dirname "$f")"
	cp -P --preserve=mode,timestamps "$f" "$DEST/$f"
	if [[ $f == *.md && ! -L $f ]] && grep -q "^$OPEN\$" "$f"; then
		strip_instructor_parts "$f" >"$DEST/$f"
		trimmed+=("$f")
	fi
	copied=$((copied + 1))
done < <(git ls-files -z "${opts[@]}" | sort -zu)

# What the copy must not have, whatever the list says.
[[ ! -e $DEST/solutions ]] || die "solutions/ reached $DEST: check $LIST."
say "$copied files in $DEST ($left instructor-only files left out, as $LIST lists)"
if ((${#trimmed[@]})); then
	say "instructor-only parts left out of ${trimmed[*]}"
fi
