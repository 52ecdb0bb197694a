# shellcheck shell=dash
# lab05-pagecache's tests, run in the VM: one function per test, named after
# it (check.c declares each test and judges what it prints). In make
# console-lab5, type a test's name to run it. Helpers: harness/guest/
# (biotrace.sh: the step markers, the dd wrappers, trace_line_format and
# drop_caches_keeps_dirty_pages).
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

trace_switch() {
	local p=/sys/module/mybrd/parameters/trace

	bio_trace_setup
	load_mybrd trace=0 || exit
	fact param "$(cat $p 2>/dev/null)"
	fact perm "$(stat -c %a $p 2>/dev/null)"
	trace_step off
	write_block 1 oflag=direct
	read_block 1 iflag=direct
	echo 1 > $p
	trace_step on
	write_block 1 oflag=direct
	read_block 1 iflag=direct
	echo 0 > $p
	trace_step off2
	write_block 1 oflag=direct
	read_block 1 iflag=direct
	trace_step end
}

first_read_reaches_driver() {
	load_traced_and_held
	between_steps read1 read1done read_block 0
}

second_read_is_cache_hit() {
	load_traced_and_held
	between_steps read1 read1done read_block 0
	between_steps read2 read2done read_block 0
}

drop_caches_evicts_clean_pages() {
	load_traced_and_held
	between_steps read1 read1done read_block 0
	between_steps read2 read2done read_block 0
	drop_caches
	between_steps read3 read3done read_block 0
}

buffered_write_reaches_driver_at_sync() {
	load_traced_and_held
	between_steps write written write_block 100
	between_steps sync synced sync
	fact sum "$(block_sum 100)"
}

fsync_reaches_driver() {
	load_traced_and_held
	between_steps fsync fsynced write_block 100 conv=fsync
	between_steps sync synced sync
	fact sum "$(block_sum 100)"
}

o_direct_bypasses_cache() {
	load_traced_and_held
	between_steps cache cached read_block 0
	between_steps dread dreaddone read_block 0 iflag=direct
	between_steps dwrite dwritten write_block 5 oflag=direct
	fact sum "$(block_sum 5)"
}

read_ahead_kb_sets_read_size() {
	local q=/sys/block/mybrd/queue/read_ahead_kb

	load_traced_and_held
	echo 0 > $q
	between_steps ra0 ra0done read_block 0
	drop_caches
	echo 128 > $q
	between_steps ra128 ra128done read_block 0
}

last_close_writes_back_and_empties_cache() {
	load_traced
	between_steps read1 read1done read_block 0
	between_steps read2 read2done read_block 0
	between_steps write written write_block 3
	fact sum "$(block_sum 3)"
}

# The sha256 of the disk's first MiB, read through the page cache.
first_mib_sum() {
	dd if=/dev/mybrd bs=1M count=1 2>/dev/null | sha256sum | cut -d' ' -f1
}

data_roundtrip_1mib() {
	load_mybrd || exit
	rnd /tmp/data 1048576
	fact want "$(sha256sum < /tmp/data | cut -d' ' -f1)"
	dd if=/tmp/data of=/dev/mybrd bs=1M conv=fsync 2>/dev/null
	drop_caches
	fact got "$(first_mib_sum)"
	fact nr_pages "$(nr_pages)"
}

# The flags of the bio trace: which bits the kernel sets for what caused a
# bio (the judge decodes them with the running kernel's own bit numbers).

trace_flags_reads() {
	load_traced_and_held
	between_steps direct direct_done read_block 1 iflag=direct
	between_steps cold cold_done read_block 0
}

trace_flags_sync_writes() {
	load_traced_and_held
	between_steps direct direct_done write_block 5 oflag=direct
	between_steps fsync fsynced write_block 100 conv=fsync
}

# Wakes the flusher threads (a new dirty_writeback_centisecs does) and waits
# until the disk has ended one more write (writes_after), at most 10 s:
# writeback=done, or writeback=timeout. Then the hour again
# (bio_trace_setup).
flusher_writeback() {
	local writes ended

	writes=$(disk_stat 5)
	echo 500 > /proc/sys/vm/dirty_writeback_centisecs
	writes_after "$writes"
	ended=$?
	echo 360000 > /proc/sys/vm/dirty_writeback_centisecs
	if [ $ended -ne 0 ]; then
		fact writeback "timeout: no write ended within 10 s"
	else
		fact writeback "done"
	fi
}

trace_flags_writeback() {
	load_traced_and_held
	between_steps write written write_block 200
	between_steps flusher flushed flusher_writeback
}
