#!/usr/bin/env bash
# make shellcheck: every shell file of the repository through shellcheck
# (settings in .shellcheckrc). The guest's files are busybox ash, checked
# as dash, its closest dialect shellcheck knows. Prints one line and exits
# 0 when all are clean; otherwise shellcheck's findings, and exits 1.
set -uo pipefail
# shellcheck source=../tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh" shellcheck 2
cd "$ROOT" || exit 2
command -v shellcheck >/dev/null || die "not installed (make setup installs it)."
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
