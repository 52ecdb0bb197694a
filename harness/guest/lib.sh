# Helpers for test fragments, sourced before each one runs in the guest.
# Fragments print facts as "key=value" lines; the host's judge reads them.

MODULE=/check/mybrd.ko

# insmod the module under test with the given parameters; prints insmod's
# own error, if any, and returns its status.
load_mybrd() {
	# A fresh load, whatever an earlier step of the test left.
	[ -d /sys/module/mybrd ] && rmmod mybrd
	insmod "$MODULE" "$@"
}

unload_mybrd() {
	rmmod mybrd
}

# The major number /proc/devices lists for mybrd (empty if none).
mybrd_major() {
	awk '$2 == "mybrd" && !seen { print $1; seen = 1 }' /proc/devices
}

# Prints key=value.
fact() {
	echo "$1=$2"
}

# Prints what is registered for mybrd: major, disk, node.
registration_facts() {
	fact major "$(mybrd_major)"
	if [ -e /sys/block/mybrd ]; then fact disk yes; else fact disk no; fi
	if [ -e /dev/mybrd ]; then fact node yes; else fact node no; fi
}

# Loads a module of the kernel package ("ext4") and what it needs, in the
# order the initramfs builder wrote (the lab declares it in kernel_modules).
load_kmod() {
	while read -r m; do
		[ -d "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" || return
	done < "/lib/modules/$1.load"
}
