#!/usr/bin/env bash
# ACCEL=auto: which accelerator the VMs use on this host. Prints one line,
# "kvm REASON" or "tcg REASON". KVM only where a bounded probe proves it:
# the labs' kernel, booted under KVM on the checker's machine, must reach
# a ready marker on its console within --limit seconds (default 8);
# nested KVM on our machines hangs or aborts, and then it is TCG. The
# answer is cached per host (its name, its kernel, QEMU's version, the
# kernel booted) under .cache/accel; --refresh probes again.
set -euo pipefail

usage() {
	echo "usage: harness/tools/accel.sh --kernel-env FILE [--refresh] [--limit S] [--cache-dir DIR] [--qemu-arg ARG]..."
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" accel
KENV=
REFRESH=
LIMIT=8
CACHE=$ROOT/.cache/accel
QEMU_ARGS=()
parse_options "--kernel-env=KENV --refresh:REFRESH --limit=LIMIT --cache-dir=CACHE --qemu-arg=+QEMU_ARGS" "$@"
[ -n "$KENV" ] || { usage >&2; exit 2; }
read_kernel_env "$KENV"

key() {
	{
		hostname
		uname -r
		qemu-system-x86_64 --version | head -n 1
		stat -c '%n %s %Y' "$KBOOT"
		printf '%s\n' "${QEMU_ARGS[@]}"
	} | md5sum | cut -c1-16
}

# probe DIR: "kvm ..." if the kernel reached the marker in time.
probe() {
	local dir=$1 rc start
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "tcg (no usable /dev/kvm)"
		return
	fi
	mkdir -p "$dir/root/bin"
	cp /bin/busybox "$dir/root/bin/busybox"
	printf '#!/bin/busybox sh\necho MYBRD-KVM-READY\n/bin/busybox poweroff -f\n' > "$dir/root/init"
	chmod 755 "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc --quiet) > "$dir/initramfs.cpio"
	start=$(now)
	rc=0
	# (bash's own "Aborted" notice of a QEMU that aborts goes nowhere.)
	{ timeout -s KILL "$LIMIT" qemu-system-x86_64 -machine q35 -accel kvm \
		-cpu host -m 512 -smp 2 -nodefaults -display none -no-reboot \
		-kernel "$KBOOT" -initrd "$dir/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1" \
		-serial "file:$dir/console.log" -monitor none "${QEMU_ARGS[@]}" \
		> "$dir/qemu.log" 2>&1 || rc=$?; } 2> /dev/null
	if grep -qs MYBRD-KVM-READY "$dir/console.log"; then
		echo "kvm (the probe booted the kernel under KVM in $(seconds_between "$start" "$(now)") s)"
	elif [ "$rc" = 137 ]; then
		echo "tcg (the KVM probe hung: no ready marker within $LIMIT s)"
	else
		echo "tcg (the KVM probe failed, status $rc: $(grep -v '^$' "$dir/qemu.log" | head -n 1 | cut -c1-160))"
	fi
}

mkdir -p "$CACHE"
file=$CACHE/$(key)
if [ -n "$REFRESH" ] || [ ! -s "$file" ]; then
	rm -rf "$file.probe"
	probe "$file.probe" > "$file.tmp"
	mv "$file.tmp" "$file"
	rm -rf "$file.probe"
fi
cat "$file"
