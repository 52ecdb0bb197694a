#!/usr/bin/env bash
# make bench-debug: what DEBUG=1 costs, measured side by side in one run:
# the debug kernel's build time (from its build), then every lab's
# solution checked on the normal kernel and on the debug kernel, each
# check's seconds and their ratio. Prints figures; asserts nothing.
set -euo pipefail

usage() {
	echo "usage: harness/tools/bench-debug.sh [--kernel default|newest|SERIES] [--accel tcg|kvm]"
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" bench-debug
KERNEL=default
ACCEL=tcg
parse_options "--kernel=KERNEL --accel=ACCEL" "$@"
cd "$ROOT"
"$ROOT/harness/tools/debug-kernel.sh" --kernel "$KERNEL" --quiet
read_kernel_env ".cache/kernel-debug-$KERNEL.env"
OUT=build/bench-debug
mkdir -p "$OUT"

# check LAB MODE: the solution's check; prints its wall-clock seconds.
check() {
	local lab=$1 mode=$2 env=.cache/kernel-$KERNEL.env args=() start
	if [[ $mode == debug ]]; then
		env=.cache/kernel-debug-$KERNEL.env
		args=(--debug)
	fi
	start=$(now)
	"build/$lab/check" --root . --kernel-env "$env" --accel "$ACCEL" \
		"${args[@]}" --build-dir "$OUT/$lab-$mode" \
		--src "solutions/$lab/mybrd.c" >"$OUT/$lab-$mode.out" 2>&1 ||
		say "$lab ($mode) failed: see $OUT/$lab-$mode.out"
	seconds_between "$start" "$(now)"
}

echo "debug kernel $KVER: built in $(cat "$KIMG/../build-seconds" 2>/dev/null || echo '?') s," \
	"$(du -sh "$KIMG/.." | cut -f1) under ${KIMG%/image}"
printf '%-22s %8s %8s %6s\n' lab normal debug ratio
for lab in lab0*/; do
	lab=${lab%/}
	normal=$(check "$lab" normal)
	debug=$(check "$lab" debug)
	printf '%-22s %7ss %7ss %6s\n' "$lab" "$normal" "$debug" \
		"$(awk -v a="$normal" -v b="$debug" 'BEGIN { printf "%.1f", b / a }')"
done
