#!/usr/bin/env bash
# make shellcheck: every shell file of the repository through shellcheck
# (settings in .shellcheckrc). The guest's files are busybox ash, checked
# as dash, its closest dialect shellcheck knows. Prints one line and exits
# 0 when all are clean; otherwise shellcheck's findings, and exits 1.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
command -v shellcheck >/dev/null ||
	{ echo "shellcheck: not installed (make setup installs it)."; exit 2; }
mapfile -t files < <({
	echo .ci/run
	find harness lab0* solutions -name '*.sh' -not -path '*/build/*'
} | sort)
if shellcheck "${files[@]}"; then
	echo "shellcheck: ${#files[@]} shell files clean"
else
	echo "shellcheck: findings above, in the ${#files[@]} shell files"
	exit 1
fi
