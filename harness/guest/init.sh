#!/bin/busybox sh
# shellcheck shell=dash
# The guest's /init: runs the checker's tests in order, each between markers
# written to /dev/kmsg (so the host can cut dmesg per test) and to ttyS1 (the
# protocol channel, free of kernel messages), then powers off. A test is the
# shell function of its name in /check/tests.sh (the lab's tests.sh), run in
# a subshell in /tmp with the helpers of /check/lib.sh loaded. Which tests
# and where to start (after a crash) come with the module (fetch_module);
# the kernel command line says whether to open a shell instead
# (check.mode=console).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Every kernel message reaches the console (in make console-labN, and in a
# check when there is no kmsg port), so crashes are on record.
echo 8 > /proc/sys/kernel/printk

# The busybox command that ends the VM. Without ACPI (a kernel built
# without it, or booted with acpi=off) the kernel can only halt, but a
# reboot ends QEMU as well (-no-reboot).
off_command() {
	if [ -d /sys/bus/acpi ]; then echo poweroff; else echo reboot; fi
}

power_off() {
	/bin/busybox "$(off_command)" -f
}

cmdline_value() {
	sed -n "s/.*check\.$1=\([^ ]*\).*/\1/p" /proc/cmdline
}

# stall_watcher SECONDS: once a second, looks for user processes waiting
# uninterruptibly in the kernel (state D: insmod in a partition scan that
# never ends, dd waiting for a bio the driver never ended). One seen so at
# SECONDS samples in a row has stalled: the kernel prints the stacks of the
# blocked tasks (sysrq w) between two markers, and "@@STALL <command>" goes
# to stdout (the protocol channel), once per process. Builtins only but
# sleep: it must cost the tests nothing.
stall_watcher() {
	limit=$1 seen=" "
	while sleep 1; do
		now=" "
		for stat in /proc/[0-9]*/stat; do
			# pid (comm) state ppid pgrp session tty tpgid flags
			# (2>/dev/null first: a process gone since the glob
			# must not make the shell complain.)
			read -r pid comm state _ _ _ _ _ flags _ 2>/dev/null < "$stat" ||
				continue
			# Kernel threads (PF_KTHREAD) are the kernel's business.
			if [ "$state" != D ] || [ $((flags & 0x200000)) -ne 0 ]; then
				continue
			fi
			n=1
			case $seen in *" $pid:"*)
				n=${seen#* "$pid":}
				n=$((${n%% *} + 1)) ;;
			esac
			now="$now$pid:$n "
			[ "$n" -eq "$limit" ] || continue
			comm=${comm#(}
			comm=${comm%)}
			mark "stalled $comm"
			echo w > /proc/sysrq-trigger
			mark "stall dump end"
			echo "@@STALL $comm"
		done
		seen=$now
	done
}

# The watcher runs for the whole boot, in the background; ttyS1 is also
# the running test's output, so it writes nothing there but its one-write
# "@@STALL" lines (stderr goes nowhere). check.stall seconds (the host's
# test limit / 4), default 5.
start_stall_watcher() {
	stall=$(cmdline_value stall)
	stall_watcher "${stall:-5}" </dev/null >/dev/ttyS1 2>/dev/null &
}

# start_kmsg_reader: every kernel message, as /dev/kmsg gives it, to the
# virtio port "mybrd.kmsg": a write there hands the host a whole buffer,
# where the serial console costs a port access per byte (about 4,000
# lines a second under TCG, so a driver printing per bio would be timed
# out for its printing). The console then gets only errors and worse
# (console loglevel 4): a crash's report still reaches it as it happens
# (an oops or panic raises the loglevel), and so do the test markers
# (written at level 3). Without the port every message stays on the
# console. Run in the background beside the stall watcher's start (loading
# the virtio modules takes a while): a reader starts from the oldest
# message, so none is missed; once it runs, /check/kmsg-reader exists and
# "@@KMSG" tells the host.
start_kmsg_reader() {
	load_kmod virtio_pci 2>/dev/null && load_kmod virtio_console 2>/dev/null ||
		return 0
	for port in /sys/class/virtio-ports/*; do
		[ "$(cat "$port/name" 2>/dev/null)" = mybrd.kmsg ] || continue
		# /dev/kmsg gives a message a read: the second cat passes them
		# on a pipe's worth at a time, one write (one exit to QEMU)
		# for many. The first cat ends when it fell behind and the
		# kernel overwrote what it had not read (EPIPE): a new one
		# goes on from the oldest message left, where the old one
		# would have gone on.
		while :; do cat /dev/kmsg; done 2>/dev/null |
			cat > "/dev/${port##*/}" &
		echo 4 > /proc/sys/kernel/printk
		: > /check/kmsg-reader
		echo "@@KMSG" >&9
		return 0
	done
}

run_console() {
	# PID 1 is this script, which busybox's poweroff cannot signal: the
	# login shell's poweroff powers off at once instead. Its last line
	# tells the host (on ttyS1) that the shell reads its tty now: the host
	# holds its input until then, or the serial port would drop it.
	mkdir -p /etc
	cat > /etc/profile <<'PROFILE'
. /check/lib.sh
. /check/tests.sh
cd /tmp || true
echo @@CONSOLE-READY > /dev/ttyS1
PROFILE
	# First in the profile: poweroff ends the VM (off_command says how).
	sed -i "1i poweroff() { /bin/busybox $(off_command) -f; }" /etc/profile
	# shellcheck source=lib.sh
	. /check/lib.sh
	start_stall_watcher
	load_mybrd && echo "mybrd loaded; 'poweroff' or 'exit' leaves the VM."
	echo "Each test is a shell function; type its name to run it:"
	awk '{ printf "  %s", $2 } END { print "" }' /check/index
	setsid cttyhack sh -l
	power_off
}

# The host boots the VM while it builds the module, and sends on ttyS2,
# once built: a line "@@MODULE <module's length> <first test> <seed>
# <the host's time> <index's lines> <module's md5>", the index
# (/check/index), the module's bytes. Here the host may save the VM
# (snapshot.c) and later resume it instead of booting: everything a check
# has of its own comes after this point. The seed makes the random numbers
# of each resumed VM its own, the time its clock today's (a resumed VM's
# says when it was saved; the monotonic clock and the kernel log's
# timestamps just go on).
# What reaches a resumed VM's port before its state has loaded is lost
# (measured: the first byte); the host waits for the load, sends a newline
# first, and the header is the line that starts so; a module that does
# not arrive whole ends the VM with @@FEED-BROKEN.
fetch_module() {
	exec 8</dev/ttyS2
	stty raw -echo <&8
	echo "@@WANT-MODULE" >&9
	while read -r tag len first seed now lines sum <&8; do
		[ "$tag" = "@@MODULE" ] && break
	done
	echo "$seed" > /dev/urandom
	date -s "@$now" > /dev/null
	: > /check/index
	while [ "$lines" -gt 0 ] && read -r line <&8; do
		echo "$line" >> /check/index
		lines=$((lines - 1))
	done
	head -c "$len" <&8 > /check/mybrd.ko
	exec 8<&-
	got=$(md5sum < /check/mybrd.ko)
	if [ "${got%% *}" != "$sum" ]; then
		echo "@@FEED-BROKEN got ${got%% *} of $(wc -c < /check/mybrd.ko) bytes, not $sum of $len" >&9
		power_off
	fi
	# What makes this run its own, for make test to compare (the host's
	# protocol reader skips lines outside a test).
	echo "@@FRESH clock=$(date +%s) random=$(head -c 16 /dev/urandom | md5sum | cut -c1-16)" >&9
}

# run_test NAME [ARG...]: the test's function (in a subshell of the shell
# that loaded the helpers and tests.sh once, for every test). The checker
# made sure before the boot that the function exists.
run_test() {
	cd /tmp || return
	"$@"
}

run_tests() {
	first=$(cmdline_value first)
	exec 9>/dev/ttyS1
	# shellcheck source=lib.sh
	. /check/lib.sh
	start_kmsg_reader &
	kmsg_starter=$!
	start_stall_watcher
	echo "@@READY" >&9
	# The reader must run before a test prints (until then the console
	# gets every message, at its slow pace), and before a saved VM is.
	wait "$kmsg_starter"
	[ -e /check/mybrd.ko ] || fetch_module
	# shellcheck source=/dev/null
	. /check/tests.sh
	while read -r idx name args; do
		[ "$idx" -lt "${first:-0}" ] && continue
		mark "begin $idx $name"
		echo "@@BEGIN $idx $name" >&9
		# $args: the test's arguments, split into words on purpose.
		# shellcheck disable=SC2086
		(run_test "$name" $args) </dev/null >&9 2>&1
		rc=$?
		# The next test starts with the module unloaded; what the
		# unload says (a debug kernel's report) is this test's.
		[ -d /sys/module/mybrd ] && rmmod mybrd 2>/dev/null
		mark "end $idx $name rc=$rc"
		echo "@@END $idx rc=$rc" >&9
	done < /check/index
	# The host stops the VM once this has reached it on the kmsg port:
	# only the host can tell when the last of the log has arrived.
	mark "all tests done"
	echo "@@DONE" >&9
	while [ -e /check/kmsg-reader ]; do
		sleep 60
	done
}

if [ "$(cmdline_value mode)" = console ]; then
	run_console
fi
run_tests
power_off
