#!/bin/busybox sh
# The guest's /init: runs the checker's tests in order, each between markers
# written to /dev/kmsg (so the host can cut dmesg per test) and to ttyS1 (the
# protocol channel, free of kernel messages), then powers off. The kernel
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

run_console() {
	# PID 1 is this script, which busybox's poweroff cannot signal: the
	# login shell's poweroff powers off at once instead.
	mkdir -p /etc
	echo 'poweroff() { /bin/busybox poweroff -f; }' > /etc/profile
	echo '. /check/lib.sh' >> /etc/profile
	. /check/lib.sh
	load_mybrd && echo "mybrd loaded; 'poweroff' or 'exit' leaves the VM."
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

run_tests() {
	first=$(cmdline_value first)
	exec 9>/dev/ttyS1
	echo "@@READY" >&9
	[ -e /check/mybrd.ko ] || fetch_module
	while read -r idx name; do
		[ "$idx" -lt "${first:-0}" ] && continue
		echo "mybrd-check: begin $idx $name" > /dev/kmsg
		echo "@@BEGIN $idx $name" >&9
		(cd /tmp && . /check/lib.sh && . "/check/tests/$idx") \
			</dev/null >&9 2>&1
		rc=$?
		echo "mybrd-check: end $idx $name rc=$rc" > /dev/kmsg
		echo "@@END $idx rc=$rc" >&9
		# The next test starts with the module unloaded.
		[ -d /sys/module/mybrd ] && rmmod mybrd 2>/dev/null
	done < /check/tests/index
	echo "@@DONE" >&9
}

if [ "$(cmdline_value mode)" = console ]; then
	run_console
fi
run_tests
poweroff -f
