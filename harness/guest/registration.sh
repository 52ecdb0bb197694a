# shellcheck shell=dash
# Registration: loading the module under test and what it registers.

MODULE=/check/mybrd.ko

# load_mybrd [PARAM=VALUE...]: insmod the module under test, after an rmmod
# of whatever an earlier step left loaded; prints insmod's own error, if
# any, and returns its status. Markers in dmesg around a load tell the
# host that a crash (or a flood of messages) between them happened while
# loading. (An insmod that never returns is caught by init's
# stall_watcher, whatever runs it.)
load_mybrd() {
	[ -d /sys/module/mybrd ] && unload_mybrd
	mark loading
	insmod "$MODULE" "$@" || return
	mark loaded
	[ -z "$MYBRD_DEBUG_KERNEL" ] || mark_sections
}

unload_mybrd() {
	rmmod mybrd
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

# load_kmod_if_there NAME: load_kmod NAME where the checker brought it
# along (a kernel_modules name ending in '?'); success where it did not.
load_kmod_if_there() {
	[ ! -e "/lib/modules/$1.load" ] || load_kmod "$1"
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

# try_bad_size NAME SIZE: insmod with size_mb=SIZE; prints rc_NAME (insmod's
# status) and left_NAME=nothing if no major and no disk are left, else
# left_NAME=something.
try_bad_size() {
	load_mybrd size_mb="$2" 2>/dev/null
	fact "rc_$1" $?
	if [ -z "$(mybrd_major)" ] && [ ! -e /sys/block/mybrd ]; then
		fact "left_$1" nothing
	else
		fact "left_$1" something
	fi
	[ -d /sys/module/mybrd ] && rmmod mybrd
	true
}
