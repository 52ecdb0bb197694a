# shellcheck shell=dash
# lab01-register's tests, run in the VM: one function per test, named after
# it (check.c declares each test and judges what it prints). In make
# console-lab1, type a test's name to run it. Helpers: harness/guest/.
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

registers_major() {
	load_mybrd || exit
	registration_facts
}

dev_node_is_block_device() {
	load_mybrd || exit
	fact major "$(mybrd_major)"
	if [ -b /dev/mybrd ]; then fact node block
	elif [ -e /dev/mybrd ]; then fact node other
	else fact node missing; fi
	[ -e /dev/mybrd ] || exit 0
	fact node_major "$(printf %d "0x$(stat -c %t /dev/mybrd)")"
	fact node_minor "$(printf %d "0x$(stat -c %T /dev/mybrd)")"
}

capacity_default() {
	load_mybrd || exit
	fact size "$(disk_size)"
}

capacity_matches_size_mb() {
	load_mybrd size_mb=16 || exit
	fact size16 "$(disk_size)"
	load_mybrd size_mb=1024 || exit
	fact size1024 "$(disk_size)"
}

rmmod_removes_disk_and_major() {
	load_mybrd || exit
	registration_facts | sed 's/^/loaded_/'
	unload_mybrd
	fact rmmod_rc $?
	registration_facts
}

reload_twice() {
	for n in 1 2; do
		load_mybrd
		fact "insmod${n}_rc" $?
		registration_facts | sed "s/^/loaded${n}_/"
		unload_mybrd
		fact "rmmod${n}_rc" $?
		registration_facts | sed "s/^/unloaded${n}_/"
	done
}

# refused SIZE: insmod with size_mb=SIZE, and what it left registered.
refused() {
	load_mybrd size_mb="$1"
	fact insmod_rc $?
	registration_facts
	[ -d /sys/module/mybrd ] && rmmod mybrd
	true
}

rejects_size_zero() {
	refused 0
}

rejects_negative_size() {
	refused -1
}

rejects_huge_size() {
	refused 1048576
}

partition_entry_matches_size() {
	load_mybrd size_mb=16 || exit
	fact blocks "$(awk '$4 == "mybrd" { print $3 }' /proc/partitions)"
}
