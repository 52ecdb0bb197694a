#!/usr/bin/env bash
# make bench-boot: what a check costs against a boot, measured side by side
# in one run, ROUNDS rounds taking turns: a bare PVH boot of the same
# kernel on the same machine (busybox as /init, powering off at once), a
# cold check (fresh build directory and no saved VM: build, boot, save),
# a warm check (the same again: the module is not rebuilt, the saved VM
# is resumed) and a warm check that boots (SNAPSHOT=0). Prints each one's
# best and median seconds and their ratios to the bare boot. Asserts
# nothing; its own snapshot directory leaves .cache/snapshots alone.
set -euo pipefail

usage() {
	echo "usage: harness/tools/bench-boot.sh [--kernel default|newest|SERIES] [--accel tcg|kvm] [--lab LAB] [--rounds N]"
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" bench-boot
KERNEL=default
ACCEL=tcg
LAB=lab01-register
ROUNDS=5
ACCEL_WHY=
parse_options "--kernel=KERNEL --accel=ACCEL --lab=LAB --rounds=ROUNDS" "$@"
cd "$ROOT"
read_kernel_env ".cache/kernel-$KERNEL.env"
if [[ $ACCEL == auto ]]; then
	ACCEL_WHY=$(harness/tools/accel.sh --kernel-env ".cache/kernel-$KERNEL.env")
	ACCEL=${ACCEL_WHY%% *}
fi
OUT=$ROOT/build/bench-boot-$KERNEL
rm -rf "$OUT"
mkdir -p "$OUT/bare"

# The bare boot's initramfs: busybox, and an /init that powers off.
bare_initramfs() {
	mkdir -p "$OUT/bare/root/bin"
	cp /bin/busybox "$OUT/bare/root/bin/busybox"
	printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$OUT/bare/root/init"
	chmod 755 "$OUT/bare/root/init"
	(cd "$OUT/bare/root" && find . | cpio -o -H newc --quiet) > "$OUT/bare/initramfs.cpio"
}

# The checker's own machine (vm.c): q35, PVH, 512 MiB, 2 CPUs, vmgenid.
bare_boot() {
	local accel=tcg,thread=single start
	local cpu=qemu64,+rdrand
	[[ $ACCEL == kvm ]] && accel=kvm cpu=host
	start=$(now)
	timeout 60 qemu-system-x86_64 -machine q35 -accel "$accel" \
		-cpu "$cpu" -m 512 -smp 2 -nodefaults -display none \
		-device vmgenid,guid=auto -no-reboot -kernel "$KBOOT" -initrd "$OUT/bare/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check" \
		-serial "file:$OUT/bare/console.log" -monitor none ||
		say "the bare boot failed: see $OUT/bare/console.log"
	seconds_between "$start" "$(now)"
}

# check NAME [checker options...]: the lab's solution; its seconds.
check() {
	local name=$1 start
	shift
	start=$(now)
	"build/$LAB/check" --root . --kernel-env ".cache/kernel-$KERNEL.env" \
		--accel "$ACCEL" --build-dir "$OUT/$name" \
		--src "solutions/$LAB/mybrd.c" --snapshot-dir "$OUT/snapshots" \
		"$@" > "$OUT/$name.out" 2>&1 ||
		say "$name failed: see $OUT/$name.out"
	seconds_between "$start" "$(now)"
}

# best_median "s s s ...": the smallest and the median.
best_median() {
	tr ' ' '\n' <<< "$1" | sed '/^$/d' | sort -g |
		awk '{ v[NR] = $1 } END { printf "%s %s", v[1], v[int((NR + 1) / 2)] }'
}

bare_initramfs
declare -A times=()
for ((r = 1; r <= ROUNDS; r++)); do
	rm -rf "$OUT/snapshots" "$OUT/cold"
	times[bare]+="$(bare_boot) "
	times[cold]+="$(check cold) "
	times[warm]+="$(check cold) "
	times[boots]+="$(check cold --no-snapshot) "
done
read -r bare_best bare_median <<< "$(best_median "${times[bare]}")"
echo "kernel $KVER ($KBOOT), accel ${ACCEL_WHY:-$ACCEL}${ACCEL_WHY:+ (ACCEL=auto)}, $LAB's solution, $ROUNDS rounds"
printf '%-40s %7s %7s %9s\n' "" best median "/ bare"
for row in bare cold warm boots; do
	case $row in
	bare) label="bare boot (PVH, q35, powers off)" ;;
	cold) label="cold check (build, boot, save)" ;;
	warm) label="warm check (resumes the saved VM)" ;;
	boots) label="warm check, SNAPSHOT=0 (boots)" ;;
	esac
	read -r best median <<< "$(best_median "${times[$row]}")"
	printf '%-40s %6ss %6ss %9s\n' "$label" "$best" "$median" \
		"$(awk -v a="$best" -v b="$bare_best" 'BEGIN { printf "%.2f", a / b }')"
done
echo "(ratios of the best rounds; median of the bare boot: ${bare_median} s)"
