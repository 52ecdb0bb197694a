# shellcheck shell=dash
# lab03-request's tests, run in the VM: one function per test, named after
# it (check.c declares each test and judges what it prints). In make
# console-lab3, type a test's name to run it. Helpers: harness/guest/
# (mq.sh for loading with insmod_rc, must_dd and the debugfs counters);
# loads_cleanly is the shared one of registration.sh.
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

# ---- data: what lab 02 checked, now through ->queue_rq() ----

# 4 MiB of random bytes through the page cache, read back O_DIRECT.
whole_disk_checksum() {
	load_and_report || exit 0
	rnd /tmp/img $((4096 * 1024))
	must_dd if=/tmp/img of=/dev/mybrd bs=64k
	must_dd if=/dev/mybrd of=/tmp/back bs=64k iflag=direct
	same verdict /tmp/img /tmp/back
}

# 512-byte pieces at odd sectors: sector 7 (the last of page 0) written
# through the page cache (w7), sectors 13 to 20 (across pages 1 and 2) by
# eight 512-byte O_DIRECT writes (w13 to w20); sectors 7 to 20 read back by
# one O_DIRECT read (r7) must be the first piece, 5 sectors of zeros, the
# eight others. put and get (data.sh) make the direct I/O really O_DIRECT:
# busybox dd bs=512 falls back to buffered I/O.
odd_sectors_512() {
	local s
	load_and_report || exit 0
	zeros 3
	rnd /tmp/a1 512
	put w7 /tmp/a1 $((7 * 512))
	for s in 13 14 15 16 17 18 19 20; do
		rnd /tmp/a1 512
		put "w$s" /tmp/a1 $((s * 512)) direct
	done
	get r7 $((7 * 512)) $((14 * 512)) direct
}

# The whole fresh disk against zeros, and the pages that reading allocated.
unwritten_reads_zero() {
	load_and_report || exit 0
	zeros 1024
	must_dd if=/dev/mybrd of=/tmp/disk bs=64k
	same zeros /tmp/exp /tmp/disk
	fact nr_pages "$(nr_pages)"
}

# The disk is 8192 sectors: sector 8192 is the first beyond its end.
beyond_end_fails() {
	load_and_report || exit 0
	dd if=/dev/urandom of=/dev/mybrd bs=512 seek=8192 count=1 status=none 2>/dev/null
	fact write_rc $?
	fact read_bytes "$(dd if=/dev/mybrd bs=512 skip=8192 count=1 iflag=direct 2>/dev/null | wc -c)"
	# put/get: really O_DIRECT (busybox dd bs=512 falls back to buffered).
	zeros 1024
	rnd /tmp/last 512
	put w_last /tmp/last $((8191 * 512)) direct
	get last_sector $((8191 * 512)) 512 direct
}

# ---- blk-mq ----

blk_mq_one_hw_queue() {
	load_and_report || exit 0
	fact_exists mq /sys/block/mybrd/mq
	fact hw_queues "$(nr_queues)"
	fact nr_tags "$(cat /sys/block/mybrd/mq/0/nr_tags 2>/dev/null)"
}

scheduler_is_mq_deadline() {
	load_and_report || exit 0
	fact scheduler "$(cat /sys/block/mybrd/queue/scheduler)"
}

# One O_DIRECT read and one write, each counted on its own: read_* and
# write_* counter deltas, and the written 8 KiB read back.
counts_requests_bios_segments() {
	local c0 c1 c2
	load_and_report || exit 0
	rnd /tmp/w 8192
	c0=$(request_counters)
	must_dd if=/dev/mybrd of=/dev/null bs=4k count=1 iflag=direct
	c1=$(request_counters)
	must_dd if=/tmp/w of=/dev/mybrd bs=8k count=1 seek=4 oflag=direct
	c2=$(request_counters)
	counter_deltas read "$c0" "$c1"
	counter_deltas write "$c1" "$c2"
	must_dd if=/dev/mybrd of=/tmp/got bs=8k count=1 skip=4 iflag=direct
	same verdict /tmp/w /tmp/got $((4 * 8192))
}

# eight_writes [NOMERGES]: eight 4 KiB writes through the page cache (with
# queue/nomerges set to NOMERGES first, if given). They reach the driver
# when dd closes the disk (the last close writes the dirty pages back), as
# 8 bios submitted under one plug. Prints the d_* counter deltas and
# whether the 32 KiB read back the same (verdict).
eight_writes() {
	local c0 c1
	load_and_report || exit 0
	if [ -n "$1" ]; then
		echo "$1" > /sys/block/mybrd/queue/nomerges || exit
	fi
	rnd /tmp/w $((32 * 1024))
	c0=$(request_counters)
	must_dd if=/tmp/w of=/dev/mybrd bs=4k count=8
	c1=$(request_counters)
	counter_deltas d "$c0" "$c1"
	must_dd if=/dev/mybrd of=/tmp/got bs=4k count=8 iflag=direct
	same verdict /tmp/w /tmp/got
}

sequential_writes_merge() {
	eight_writes
}

nomerges_one_request_per_bio() {
	eight_writes 2
}

stat_agrees_with_counters() {
	eight_writes
}

# 64 KiB written, rmmod (unload_facts), insmod again (insmod2_rc) and
# whether the reloaded disk reads as zeros (verdict2).
rmmod_and_reload() {
	load_and_report || exit 0
	must_dd if=/dev/urandom of=/dev/mybrd bs=4k count=16
	unload_facts
	load_mybrd
	fact insmod2_rc $?
	reads_zeros verdict2 16
}
