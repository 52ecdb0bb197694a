# shellcheck shell=dash
# Registration: loading the module under test and what it registers.

MODULE=/check/mybrd.ko

# load_mybrd [PARAM=VALUE...]: insmod the module under test, after an rmmod
# of whatever an earlier step left loaded; prints insmod's own error, if
# any, and returns its status. An insmod or rmmod that does not return in
# time is reported (stall_watch).
load_mybrd() {
	[ -d /sys/module/mybrd ] && unload_mybrd
	watched insmod "$MODULE" "$@"
}

unload_mybrd() {
	watched rmmod mybrd
}

# watched CMD...: runs CMD; if it is still running after the stall time
# (/run/stall-seconds, from the kernel command line), the kernel prints
# the stacks of the blocked tasks (sysrq w), between two markers, and
# "@@STALL CMD" goes to the test's output: the host's lesson then says
# which command waits in which kernel function. The watcher is a subshell
# started and left in one go, so an interactive shell shows no job.
watched() {
	token=/tmp/.running-$(cat /proc/sys/kernel/random/uuid)
	: > "$token"
	(stall_watch "$token" "$1" &)
	"$@"
	set -- $?
	rm -f "$token"
	return "$1"
}

# stall_watch TOKEN CMD: after the stall time, if TOKEN still exists, CMD
# has stalled: dump the blocked tasks' stacks and say so.
stall_watch() {
	sleep "$(cat /run/stall-seconds 2>/dev/null || echo 5)"
	[ -e "$1" ] || return 0
	echo "mybrd-check: stalled $2" > /dev/kmsg
	echo w > /proc/sysrq-trigger
	echo "mybrd-check: stall dump end" > /dev/kmsg
	echo "@@STALL $2"
}

# The major number /proc/devices lists for mybrd (empty if none).
mybrd_major() {
	awk '$2 == "mybrd" && !seen { print $1; seen = 1 }' /proc/devices
}

# Prints what is registered for mybrd: major, disk, node.
registration_facts() {
	fact major "$(mybrd_major)"
	if [ -e /sys/block/mybrd ]; then fact disk yes; else fact disk no; fi
	if [ -e /dev/mybrd ]; then fact node yes; else fact node no; fi
}

# load_kmod NAME: loads a module of the kernel package ("ext4") and what it
# needs, in the order the initramfs builder wrote (the lab declares it in
# kernel_modules).
load_kmod() {
	while read -r m; do
		[ -d "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" || return
	done < "/lib/modules/$1.load"
}

# The disk's size in 512-byte sectors (empty if there is no disk).
disk_size() {
	cat /sys/block/mybrd/size 2>/dev/null
}

# The test every lab starts with: insmod succeeds (the judge asks for a
# clean dmesg too).
loads_cleanly() {
	load_mybrd
}
