# shellcheck shell=dash
# lab02-bio's tests, run in the VM: one function per test, named after it
# (check.c declares each test and judges what it prints). In make
# console-lab2, type a test's name to run it. Helpers: harness/guest/
# (data.sh: run, same, rnd, put, get, zeros, nr_pages, free_kb; disk.sh:
# disk_stat). loads_cleanly is lab 01's, in harness/guest/registration.sh.
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

registers_disk() {
	load_mybrd || exit
	registration_facts
	fact size "$(disk_size)"
	fact nr_pages "$(nr_pages)"
}

rejects_invalid_sizes() {
	try_bad_size zero 0
	try_bad_size negative -1
	try_bad_size huge 1048576
}

rmmod_removes_everything() {
	load_mybrd || exit
	registration_facts | sed 's/^/loaded_/'
	rmmod mybrd
	fact rmmod_rc $?
	registration_facts
	if [ -d /sys/kernel/debug/mybrd ]; then fact debugfs yes
	else fact debugfs no; fi
	load_mybrd
	fact reload_rc $?
}

whole_disk_round_trip() {
	load_mybrd size_mb=8 || exit
	dd if=/dev/urandom of=/tmp/data bs=1M count=8 2>/dev/null
	run write dd if=/tmp/data of=/dev/mybrd bs=1M
	# shellcheck disable=SC2162 # read: the fact's name, not the builtin
	run read dd if=/dev/mybrd of=/tmp/got bs=1M
	same buffered /tmp/data /tmp/got
	rm -f /tmp/got
	run read_direct dd if=/dev/mybrd of=/tmp/got bs=1M iflag=direct
	same direct /tmp/data /tmp/got
	fact nr_pages "$(nr_pages)"
}

odd_sector_io() {
	load_mybrd || exit
	zeros 16
	rnd /tmp/a 512
	rnd /tmp/b 512
	rnd /tmp/c 512
	rnd /tmp/d 1024
	put w_direct_7 /tmp/a $((7 * 512)) direct
	put w_direct_9 /tmp/b $((9 * 512)) direct
	put w_buffered_3 /tmp/c $((3 * 512))
	put w_buffered_13 /tmp/d $((13 * 512))
	get r_direct_7 $((7 * 512)) 512 direct
	get r_direct_9 $((9 * 512)) 512 direct
	get r_direct_3 $((3 * 512)) 512 direct
	get r_direct_13 $((13 * 512)) 1024 direct
	get r_buffered 0 65536
}

page_crossing_io() {
	load_mybrd || exit
	zeros 16
	rnd /tmp/a 4096
	rnd /tmp/b 8192
	rnd /tmp/c 2048
	put w_direct_4k_at_7 /tmp/a $((7 * 512)) direct
	put w_direct_8k_at_21 /tmp/b $((21 * 512)) direct
	put w_buffered_2k_at_46 /tmp/c $((46 * 512))
	get r_direct_4k_at_7 $((7 * 512)) 4096 direct
	get r_direct_8k_at_21 $((21 * 512)) 8192 direct
	get r_direct_2k_at_46 $((46 * 512)) 2048 direct
	# The first 64 KiB in 16 KiB O_DIRECT reads.
	dd if=/tmp/exp of=/tmp/all.exp bs=65536 count=1 2>/dev/null
	run r_direct_all_read dd if=/dev/mybrd of=/tmp/all bs=16384 count=4 iflag=direct
	same r_direct_all /tmp/all.exp /tmp/all
}

unwritten_sectors_read_zero() {
	load_mybrd || exit
	zeros 1024
	rnd /tmp/a 512
	rnd /tmp/b 4096
	put w_sector_7 /tmp/a $((7 * 512)) direct
	put w_page_5 /tmp/b $((5 * 4096)) direct
	get r_page_0 0 4096 direct
	# Pages 5 and 6 through one 4 KiB buffer: page 6 must not show page 5.
	dd if=/tmp/exp of=/tmp/r56.exp bs=4096 count=2 skip=5 2>/dev/null
	run r_pages_5_6_read dd if=/dev/mybrd of=/tmp/r56 bs=4096 count=2 skip=5 iflag=direct
	same r_pages_5_6 /tmp/r56.exp /tmp/r56 $((5 * 4096))
	get r_all 0 4194304
	fact nr_pages "$(nr_pages)"
}

io_at_end_of_disk() {
	load_mybrd || exit
	zeros 1024
	rnd /tmp/a 512
	rnd /tmp/b 4096
	put w_last_sector /tmp/a $((8191 * 512)) direct
	get r_last_sector $((8191 * 512)) 512 direct
	put w_last_page /tmp/b $((8184 * 512))
	get r_last_page $((8184 * 512)) 4096 direct
	# Past the end (sector 8192): not through put, /tmp/exp stays as it is.
	run w_beyond_direct dd if=/tmp/a of=/dev/mybrd bs=4096 count=512 iflag=count_bytes seek=$((8192 * 512)) oflag=seek_bytes,direct
	run w_beyond dd if=/tmp/a of=/dev/mybrd bs=512 seek=8192 count=1
	dd if=/dev/mybrd of=/tmp/x bs=4096 count=512 skip=$((8192 * 512)) iflag=direct,skip_bytes,count_bytes 2>/dev/null
	fact r_beyond_bytes "$(stat -c %s /tmp/x)"
	get r_after $((8184 * 512)) 4096 direct
}

pages_allocated_on_write() {
	load_mybrd size_mb=64 || exit
	fact loaded "$(nr_pages)"
	run w_1m dd if=/dev/urandom of=/dev/mybrd bs=64k count=16 seek=128 oflag=direct
	fact after_1m "$(nr_pages)"
	run w_again dd if=/dev/urandom of=/dev/mybrd bs=64k count=16 seek=128 oflag=direct
	fact after_rewrite "$(nr_pages)"
	run r_all dd if=/dev/mybrd of=/dev/null bs=1M
	fact after_read "$(nr_pages)"
	run w_sector dd if=/dev/urandom of=/dev/mybrd bs=4096 count=512 iflag=count_bytes seek=512 oflag=seek_bytes,direct
	fact after_sector "$(nr_pages)"
}

unload_frees_memory() {
	local before loaded after

	echo 3 > /proc/sys/vm/drop_caches
	before=$(free_kb)
	load_mybrd size_mb=64 || exit
	run w_32m dd if=/dev/zero of=/dev/mybrd bs=1M count=32 oflag=direct
	fact nr_pages "$(nr_pages)"
	# Dropped before each reading alike: what the kernel frees meanwhile
	# (caches, RCU callbacks) is not counted against the store.
	echo 3 > /proc/sys/vm/drop_caches
	loaded=$(free_kb)
	run rmmod rmmod mybrd
	echo 3 > /proc/sys/vm/drop_caches
	after=$(free_kb)
	fact used_kb $((before - loaded))
	fact leaked_kb $((before - after))
}

reads_come_from_driver() {
	local r0 r1 r2

	load_mybrd || exit
	# Held open, the disk keeps its page cache from one dd to the next
	# (the last close would drop it): only drop_caches drops it.
	exec 3</dev/mybrd
	dd if=/dev/urandom of=/tmp/data bs=64k count=16 2>/dev/null
	run w_fsync dd if=/tmp/data of=/dev/mybrd bs=64k conv=fsync
	r0=$(disk_stat 3)
	run r_cached dd if=/dev/mybrd of=/tmp/r1 bs=64k count=16
	r1=$(disk_stat 3)
	echo 1 > /proc/sys/vm/drop_caches
	run r_dropped dd if=/dev/mybrd of=/tmp/r2 bs=64k count=16
	r2=$(disk_stat 3)
	same cached /tmp/data /tmp/r1
	same dropped /tmp/data /tmp/r2
	fact sectors_read_from_cache $((r1 - r0))
	fact sectors_read_after_drop $((r2 - r1))
	exec 3<&-
}

stat_counts_io() {
	local r rs w ws

	load_mybrd || exit
	r=$(disk_stat 1)
	rs=$(disk_stat 3)
	w=$(disk_stat 5)
	ws=$(disk_stat 7)
	run w dd if=/dev/zero of=/dev/mybrd bs=64k count=16 oflag=direct
	run r dd if=/dev/mybrd of=/dev/null bs=64k count=16 iflag=direct
	fact reads $(($(disk_stat 1) - r))
	fact read_sectors $(($(disk_stat 3) - rs))
	fact writes $(($(disk_stat 5) - w))
	fact write_sectors $(($(disk_stat 7) - ws))
	fact in_flight "$(disk_stat 9)"
}

# write_mbr FILE: a 512-byte MBR with one Linux (0x83) partition, sectors
# 2048 to 6143.
write_mbr() {
	dd if=/dev/zero of="$1" bs=512 count=1 2>/dev/null
	# type 0x83 at byte 4 of the entry, start 2048 (LE) at 8, size 4096 at 12
	printf '\000\000\000\000\203\000\000\000\000\010\000\000\000\020\000\000' |
		dd of="$1" bs=1 seek=446 conv=notrunc 2>/dev/null
	printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc 2>/dev/null
}

partition_table_is_read() {
	load_mybrd || exit
	write_mbr /tmp/mbr
	run w_mbr dd if=/tmp/mbr of=/dev/mybrd bs=4096 count=512 iflag=count_bytes oflag=direct
	run rereadpt blockdev --rereadpt /dev/mybrd
	fact part "$(cat /sys/block/mybrd/mybrd1/start 2>/dev/null) $(cat /sys/block/mybrd/mybrd1/size 2>/dev/null)"
	if [ -b /dev/mybrd1 ]; then fact part_node yes; else fact part_node no; fi
	rnd /tmp/a 4096
	run w_part dd if=/tmp/a of=/dev/mybrd1 bs=4096 count=1 oflag=direct
	run r_disk dd if=/dev/mybrd of=/tmp/r bs=4096 count=1 skip=$((2048 * 512)) iflag=direct,skip_bytes
	same part_data /tmp/a /tmp/r $((2048 * 512))
	# The partition's last page, sectors 4088-4095 of mybrd1: 6136-6143
	# of the disk, past the partition's own size (4096).
	rnd /tmp/b 4096
	run w_part_end dd if=/tmp/b of=/dev/mybrd1 bs=4096 count=1 seek=511 oflag=direct
	run r_disk_end dd if=/dev/mybrd of=/tmp/r2 bs=4096 count=1 skip=$((6136 * 512)) iflag=direct,skip_bytes
	same part_end_data /tmp/b /tmp/r2 $((6136 * 512))
}

# Writes ext4_round_trip's files on the file system mounted at /tmp/mnt:
# dir/data (a copy of /tmp/data) and hello.
write_ext4_files() {
	mkdir /tmp/mnt/dir && cp /tmp/data /tmp/mnt/dir/data &&
		echo hello > /tmp/mnt/hello
}

ext4_round_trip() {
	if load_kmod_if_there crc32c_generic && load_kmod ext4; then fact kmods ok
	else fact kmods failed; exit 1; fi
	load_mybrd size_mb=32 || exit
	mkdir -p /tmp/mnt
	dd if=/dev/urandom of=/tmp/data bs=64k count=32 2>/dev/null
	run mkfs mkfs.ext4 -q -F /dev/mybrd
	run mount1 mount -t ext4 /dev/mybrd /tmp/mnt
	run files write_ext4_files
	run umount1 umount /tmp/mnt
	run fsck e2fsck -fn /dev/mybrd
	run mount2 mount -t ext4 -o ro /dev/mybrd /tmp/mnt
	same data /tmp/data /tmp/mnt/dir/data
	fact hello "$(cat /tmp/mnt/hello 2>/dev/null)"
	umount /tmp/mnt 2>/dev/null
	true
}
