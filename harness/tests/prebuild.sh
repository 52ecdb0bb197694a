#!/usr/bin/env bash
# usage: prebuild.sh KERNEL_ENV DIR NAME=SRC...
#
# Builds many mybrd.c files in one Kbuild run, for `make test`: DIR/NAME/
# gets SRC as mybrd.c, the lab Kbuild and mybrd_compat.h, and (if all of
# them compile) DIR/NAME/mybrd-guest.ko, stripped as the checker strips.
# A Kbuild run spends about 3 s of CPU on its own (probing the compiler)
# before it compiles anything; one run for all modules instead of one each
# saves most of make test's build time. A set built from the same inputs
# last time (inputs.sha256) is not built again.
#
# Exit status 0 when every module was built; otherwise the modules are
# missing and the checker runs build each from its source, which also
# reports the compile error in the student's words.
set -uo pipefail

[ $# -ge 3 ] || { sed -n '2p' "$0"; exit 2; }
# shellcheck source=../tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh" prebuild 2
env_file=$1 dir=$2
shift 2
read_kernel_env "$env_file"

# What the modules are made of: the sources (by content: make test writes
# its mutants anew each time), the Kbuild and compat header, the kernel's
# build tree and the compiler. The same as last time: nothing to build.
inputs_hash() {
	local spec
	{
		echo "$KVER $KDIR"
		stat -c '%n %s %Y' "$KDIR/Makefile" "$KDIR/Module.symvers" \
			"$KDIR/.config" 2> /dev/null
		gcc --version | head -n 1
		cat lab01-register/Kbuild harness/kernel/mybrd_compat.h
		for spec in "$@"; do
			echo "${spec%%=*}"
			sha256sum < "${spec#*=}"
		done
	} | sha256sum | cut -d' ' -f1
}

# Was every module of this set built from these inputs, and is it there?
built_already() {
	local spec
	[ "$(cat "$dir/inputs.sha256" 2> /dev/null)" = "$hash" ] || return 1
	for spec in "$@"; do
		[ -f "$dir/${spec%%=*}/mybrd-guest.ko" ] || return 1
	done
}

hash=$(inputs_hash "$@")
if built_already "$@"; then
	echo "the $# modules for $KVER: built from the same sources last time, not built again"
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
for spec in "$@"; do
	name=${spec%%=*} src=${spec#*=}
	mkdir -p "$dir/$name"
	cp "$src" "$dir/$name/mybrd.c"
	cp lab01-register/Kbuild harness/kernel/mybrd_compat.h "$dir/$name/"
	echo "obj-m += $name/" >> "$dir/Kbuild"
done

# Every module here is named mybrd (the tests load and unload "mybrd"), in
# its own directory, and none is ever installed; Kbuild's modules_check
# refuses two modules of one name in a build, so this build skips it.
# --no-print-directory keeps 6.12's Makefile from re-running itself in a
# sub-make that would not read the override.
echo 'modules_check: ;' > "$dir/no-modules-check.mk"
# kbuild -C DIR [VAR=value...]: make modules, started in DIR. The
# compiler goes through probe-cache, as in the checkers' builds.
kbuild() {
	PROBE_CACHE_DIR=$(realpath build/harness)/probe-cache.d \
	make -s --no-print-directory "$@" -f "$KDIR/Makefile" \
		-f "$(realpath "$dir")/no-modules-check.mk" M="$(realpath "$dir")" \
		DEBIAN_KERNEL_USE_CCACHE=1 CCACHE="$(realpath build/harness/probe-cache)" \
		-j"$(nproc)" modules >> "$dir/build.log" 2>&1
}

start=$(now)
kbuild -C "$KDIR"
rc=$?
# From 6.13 on, make goes on in a second make in the module's directory
# when started elsewhere, and that one does not read the override: start
# it there (MO=, the output directory). What the first compiled is kept.
if [ $rc -ne 0 ] && grep -q 'would cause module name conflict' "$dir/build.log"; then
	kbuild -C "$dir" MO="$(realpath "$dir")"
	rc=$?
fi
for spec in "$@"; do
	ko=$dir/${spec%%=*}/mybrd.ko
	[ $rc -eq 0 ] && [ -f "$ko" ] &&
		objcopy --strip-debug "$ko" "${ko%.ko}-guest.ko"
done
secs=$(seconds_between "$start" "$(now)")
if [ $rc -eq 0 ]; then
	echo "$hash" > "$dir/inputs.sha256"
	echo "built $# modules for $KVER in one Kbuild run: $secs s"
else
	echo "the batch build for $KVER failed ($dir/build.log): each run builds its own module"
fi
exit $rc
