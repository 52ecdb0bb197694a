#!/bin/busybox sh
# shellcheck shell=dash
# The guest's /init: runs the checker's tests in order, each between markers
# written to /dev/kmsg (so the host can cut dmesg per test) and to ttyS1 (the
# protocol channel, free of kernel messages), then powers off. A test is the
# shell function of its name in /check/tests.sh (the lab's tests.sh), run in
# a subshell in /tmp with the helpers of /check/lib.sh loaded. The kernel
# command line says where to start (check.first=N, after a crash) and whether
# to open a shell instead (check.mode=console).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Every kernel message reaches the console, so crashes are on record.
echo 8 > /proc/sys/kernel/printk

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
			echo "mybrd-check: stalled $comm" > /dev/kmsg
			echo w > /proc/sysrq-trigger
			echo "mybrd-check: stall dump end" > /dev/kmsg
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

run_console() {
	# PID 1 is this script, which busybox's poweroff cannot signal: the
	# login shell's poweroff powers off at once instead. Its last line
	# tells the host (on ttyS1) that the shell reads its tty now: the host
	# holds its input until then, or the serial port would drop it.
	mkdir -p /etc
	cat > /etc/profile <<'PROFILE'
poweroff() { /bin/busybox poweroff -f; }
. /check/lib.sh
. /check/tests.sh
cd /tmp || true
echo @@CONSOLE-READY > /dev/ttyS1
PROFILE
	# shellcheck source=lib.sh
	. /check/lib.sh
	start_stall_watcher
	load_mybrd && echo "mybrd loaded; 'poweroff' or 'exit' leaves the VM."
	echo "Each test is a shell function; type its name to run it:"
	awk '{ printf "  %s", $2 } END { print "" }' /check/index
	setsid cttyhack sh -l
	poweroff -f
}

# The host boots the VM while it builds the module, and sends it on ttyS2
# (its length on a line, then its bytes) once built.
fetch_module() {
	exec 8</dev/ttyS2
	stty raw -echo <&8
	echo "@@WANT-MODULE" >&9
	read -r len <&8
	head -c "$len" <&8 > /check/mybrd.ko
	exec 8<&-
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
	start_stall_watcher
	echo "@@READY" >&9
	[ -e /check/mybrd.ko ] || fetch_module
	# shellcheck source=/dev/null
	. /check/tests.sh
	while read -r idx name args; do
		[ "$idx" -lt "${first:-0}" ] && continue
		echo "mybrd-check: begin $idx $name" > /dev/kmsg
		echo "@@BEGIN $idx $name" >&9
		# $args: the test's arguments, split into words on purpose.
		# shellcheck disable=SC2086
		(run_test "$name" $args) </dev/null >&9 2>&1
		rc=$?
		echo "mybrd-check: end $idx $name rc=$rc" > /dev/kmsg
		echo "@@END $idx rc=$rc" >&9
		# The next test starts with the module unloaded.
		[ -d /sys/module/mybrd ] && rmmod mybrd 2>/dev/null
	done < /check/index
	echo "@@DONE" >&9
}

if [ "$(cmdline_value mode)" = console ]; then
	run_console
fi
run_tests
poweroff -f
