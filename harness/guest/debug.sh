# shellcheck shell=dash
# DEBUG=1, the labs' debug kernel: init's error paths tried one step at a
# time (harness/kernel/mybrd_debug.h counts and fails the steps), and
# kmemleak's scan after the last rmmod. The checker adds these tests to
# every lab's in DEBUG mode (harness/src/debug_tests.h).

MYBRD_KMEMLEAK=/sys/kernel/debug/kmemleak

# Non-empty when booted with check.debug=1 (the debug kernel); read by
# registration.sh's load_mybrd.
# shellcheck disable=SC2034
MYBRD_DEBUG_KERNEL=
# shellcheck disable=SC2034
case " $(cat /proc/cmdline) " in *" check.debug=1 "*) MYBRD_DEBUG_KERNEL=1 ;; esac

# Where the module's code is while it is loaded ("sections .text=0x...
# .init.text=0x..."), marked in dmesg at each load on the debug kernel:
# the host names the frames of a report made after rmmod (kmemleak's) by
# them.
mark_sections() {
	local s out=
	for s in .text .init.text .exit.text; do
		[ -r "/sys/module/mybrd/sections/$s" ] &&
			out="$out $s=$(cat "/sys/module/mybrd/sections/$s")"
	done
	mark "sections$out"
}

# What a failed insmod left registered: "nothing", or some of "module
# major disk debugfs".
left_behind() {
	local left=
	[ -d /sys/module/mybrd ] && left="$left module"
	[ -n "$(mybrd_major)" ] && left="$left major"
	[ -e /sys/block/mybrd ] && left="$left disk"
	[ -e /sys/kernel/debug/mybrd ] && left="$left debugfs"
	echo "${left:-nothing}" | sed 's/^ //'
}

# The steps init_error_paths makes fail, of N: all of them up to 24; of
# more (an init that allocates in a loop), the first 16 and the last 8,
# where a loop's unwind starts and ends.
steps_to_try() {
	if [ "$1" -le 24 ]; then
		seq 1 "$1"
	else
		seq 1 16
		seq $(($1 - 7)) "$1"
	fi
}

# init_error_paths: init's fallible calls (steps=N), then each made to
# fail in turn: rc_I (insmod's status with step I failing) and left_I
# (what it left behind; after an insmod that succeeded all the same, the
# module is unloaded then, and unloaded_I says whether that left anything).
init_error_paths() {
	local steps i
	load_mybrd || exit
	steps=$(cat /sys/module/mybrd/parameters/fault_steps 2>/dev/null)
	fact steps "${steps:-none}"
	unload_mybrd
	for i in $(steps_to_try "${steps:-0}"); do
		load_mybrd fault_step="$i" 2>/dev/null
		fact "rc_$i" $?
		fact "left_$i" "$(left_behind)"
		if [ -d /sys/module/mybrd ]; then
			rmmod mybrd 2>/dev/null
			fact "unloaded_$i" "$(left_behind)"
		fi
	done
}

# no_leaks_after_rmmod: the driver loaded, written and read, unloaded;
# then kmemleak's report of what is allocated and referenced from
# nowhere (the whole boot's, every earlier test's included) is printed
# as it is, for the judge to keep the driver's part. One scan, without
# the tasks' stacks: the debug kernel's kmemleak reports at the first
# scan, at any age (harness/tools/debug-kernel.sh says why).
no_leaks_after_rmmod() {
	if [ ! -w "$MYBRD_KMEMLEAK" ]; then
		fact kmemleak none
		return 0
	fi
	load_mybrd || exit
	dd if=/dev/urandom of=/dev/mybrd bs=4096 count=8 oflag=direct 2>/dev/null
	dd if=/dev/mybrd of=/dev/null bs=4096 count=8 iflag=direct 2>/dev/null
	unload_mybrd
	fact rmmod_rc $?
	echo stack=off > "$MYBRD_KMEMLEAK"
	echo scan > "$MYBRD_KMEMLEAK"
	fact kmemleak scanned
	cat "$MYBRD_KMEMLEAK"
}
