# shellcheck shell=dash
# The regression core: what labs 01 and 02 taught, re-checked in every
# later lab (harness/src/core_tests.h lists the tests), so a later lab
# cannot pass with an earlier lab's behaviour broken.

# core_registration: registration, capacity from size_mb, refusal of bad
# sizes, a clean unload.
core_registration() {
	load_mybrd || exit
	registration_facts
	fact size "$(disk_size)"
	load_mybrd size_mb=16 || exit
	fact size16 "$(disk_size)"
	unload_mybrd
	fact rmmod_rc $?
	registration_facts | sed 's/^/unloaded_/'
	try_bad_size zero 0
	try_bad_size negative -1
	try_bad_size huge 1048576
}

# core_data: 512-byte and page-crossing writes at odd sectors, O_DIRECT and
# buffered, and the last sector of the disk, each read back (O_DIRECT) in
# place; then the whole disk read back: every sector never written reads
# as zeros. Facts: w_*=ok, r_*_read=ok and r_*=yes (or where it differs).
core_data() {
	# 1 MiB: the whole-disk comparison stays quick under TCG.
	load_mybrd size_mb=1 || exit
	zeros 256
	rnd /tmp/a 512
	rnd /tmp/b 1024
	rnd /tmp/c 4096
	rnd /tmp/d 8192
	rnd /tmp/e 512
	put w_direct_7 /tmp/a $((7 * 512)) direct
	put w_buffered_13 /tmp/b $((13 * 512))
	put w_direct_22 /tmp/c $((22 * 512)) direct
	put w_direct_41 /tmp/d $((41 * 512)) direct
	put w_last /tmp/e $((2047 * 512)) direct
	rnd /tmp/f 4096
	put w_page_10 /tmp/f $((10 * 4096)) direct
	get r_sector_7 $((7 * 512)) 512 direct
	get r_sectors_13_14 $((13 * 512)) 1024 direct
	get r_sectors_22_29 $((22 * 512)) 4096 direct
	get r_sectors_41_56 $((41 * 512)) 8192 direct
	get r_last $((2047 * 512)) 512 direct
	get r_hole_page_100 $((100 * 4096)) 4096 direct
	get_in_blocks r_pages_10_11 $((10 * 4096)) 8192 4096 direct
	get r_whole_disk 0 $((1024 * 1024))
}
