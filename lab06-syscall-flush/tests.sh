# shellcheck shell=dash
# lab06-syscall-flush's tests, run in the VM: one function per test, named
# after it (check.c declares each test and judges what it prints). In make
# console-lab6, type a test's name to run it. Helpers: harness/guest/
# (biotrace.sh: the step markers, the dd wrappers, and lab 05's
# trace_line_format and drop_caches_keeps_dirty_pages).
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

close_writes_in_close() {
	load_traced stack=1
	between_steps write written write_block 3
	fact sum "$(block_sum 3)"
}

fsync_writes_in_fsync() {
	load_traced stack=1
	between_steps fsync fsynced write_block 3 conv=fsync
	fact sum "$(block_sum 3)"
}

direct_write_in_write() {
	local p=/sys/module/mybrd/parameters/stack

	load_traced
	between_steps quiet quieted write_block 5 oflag=direct
	echo 1 > $p
	fact stack_param "$(cat $p)"
	trace_step loud
	write_block 5 oflag=direct
	read_block 5 iflag=direct
	trace_step louded
}

# The driver's flush count in debugfs (empty without the file).
mybrd_flushes() {
	cat /sys/kernel/debug/mybrd/flushes 2>/dev/null
}

# The write cache mode the queue declares: "write back" or "write through".
write_cache_mode() {
	cat /sys/block/mybrd/queue/write_cache
}

write_cache_brings_flush() {
	load_traced write_cache=1 stack=1
	fact wc "$(write_cache_mode)"
	fact before "$(mybrd_flushes)"
	between_steps fsync fsynced write_block 3 conv=fsync
	fact after "$(mybrd_flushes)"
}

no_write_cache_no_flush() {
	load_traced
	fact wc "$(write_cache_mode)"
	between_steps fsync fsynced write_block 3 conv=fsync
	fact after "$(mybrd_flushes)"
}

drop_caches_stack() {
	load_traced_and_held trace_evict=1
	read_block 0
	write_block 100
	between_steps drop dropped drop_caches
	between_steps sync synced sync
	fact sum "$(block_sum 100)"
}

# unload_removes_the_probe: with trace_evict=1 (a kprobe on
# invalidate_mapping_pages()), rmmod, then drop_caches: a probe left
# registered would run a handler that is gone with the module.
unload_removes_the_probe() {
	load_mybrd trace_evict=1 || exit
	read_block 0
	unload_mybrd
	fact rmmod_rc $?
	cat /check/lib.sh > /dev/null
	if echo 1 > /proc/sys/vm/drop_caches; then
		fact dropped ok
	else
		fact dropped failed
	fi
}

# syscall_entry: the driver's line "syscall entry SYMBOL at 0xADDRESS" at
# load (entry_symbol, entry_address), and the symbol /proc/kallsyms lists
# at that address (kallsyms_symbol).
syscall_entry() {
	local line addr
	load_mybrd || exit
	line=$(dmesg | sed -n 's/.*mybrd: syscall entry \([^ ]*\) at 0x\([0-9a-f]*\)$/\1 \2/p' | tail -n 1)
	fact entry_symbol "${line% *}"
	addr=${line#* }
	fact entry_address "$addr"
	[ -n "$addr" ] || exit 0
	# kallsyms pads addresses to 16 digits; %llx does not.
	fact kallsyms_symbol "$(awk -v a="$addr" \
		'{ x = $1; sub(/^0+/, "", x) } x == a { print $3; exit }' /proc/kallsyms)"
}

# fact_wrote KEY BEFORE: KEY=yes once the disk has ended a write more
# than BEFORE (writes_after, 10 s at most), else KEY=no.
fact_wrote() {
	if writes_after "$2"; then
		fact "$1" yes
	else
		fact "$1" no
	fi
}

# flusher_writes_back: dirties block 7 (the device is held), lets the
# flusher write it back (pages expire at once, it wakes every 0.1 s), and
# waits for its write; prints flusher_wrote=yes or no. The block is
# written here, after the count is read: the flusher a sync woke may still
# be running and take it at once.
flusher_writes_back() {
	local before
	before=$(disk_stat 5)
	write_block 7
	echo 1 > /proc/sys/vm/dirty_expire_centisecs
	echo 10 > /proc/sys/vm/dirty_writeback_centisecs
	fact_wrote flusher_wrote "$before"
	echo 360000 > /proc/sys/vm/dirty_writeback_centisecs
}

# background_writes_back: more dirty than dirty_background_bytes (4 KiB)
# allows, 1 MiB written at block 64 with the device held: the flusher
# writes in the background. Waits for its first write; prints
# background_wrote=yes or no.
background_writes_back() {
	local before
	before=$(disk_stat 5)
	echo 4096 > /proc/sys/vm/dirty_background_bytes
	dd if=/dev/zero of=/dev/mybrd bs=4096 count=256 seek=64 2>/dev/null
	fact_wrote background_wrote "$before"
	echo 10 > /proc/sys/vm/dirty_background_ratio
}

# syscall_numbers: the system call each write came in through (the trace
# line's syscall=), and its flags: dd's close, dd conv=fsync, an O_DIRECT
# write, sync, the flusher's periodic write-back (held open: no close
# writes it) and its background write-back.
syscall_numbers() {
	load_traced
	between_steps close closed write_block 3
	between_steps fsync fsynced write_block 4 conv=fsync
	between_steps write written write_block 5 oflag=direct
	hold_mybrd_open
	write_block 6
	between_steps sync synced sync
	between_steps flusher flushed flusher_writes_back
	between_steps background backgrounded background_writes_back
}

# flush_only_on_fsync: with write_cache=1, the flush count after a held
# buffered write, after sync (which writes it), after a last close that
# writes another block back, and after dd conv=fsync. (stack=1 too: make
# picture draws the sync's path from it.)
flush_only_on_fsync() {
	load_traced write_cache=1 stack=1
	hold_mybrd_open
	write_block 3
	fact after_write "$(mybrd_flushes)"
	between_steps sync synced sync
	fact after_sync "$(mybrd_flushes)"
	exec 3<&-
	between_steps close closed write_block 4
	fact after_close "$(mybrd_flushes)"
	between_steps fsync fsynced write_block 5 conv=fsync
	fact after_fsync "$(mybrd_flushes)"
}

# ext4_close_and_fsync: the book's exercise, ext4 on mybrd (32 MiB,
# write_cache=1). Once mkfs and mount are done, trace and stack go on: a
# file written and closed (close..closed), the same file rewritten with
# dd conv=fsync (fsync..fsynced), then umount (umount..umounted).
ext4_close_and_fsync() {
	local p=/sys/module/mybrd/parameters
	if load_kmod_if_there crc32c_generic && load_kmod ext4; then fact kmods ok
	else fact kmods failed; exit 1; fi
	bio_trace_setup
	load_mybrd size_mb=32 write_cache=1 || exit
	mkdir -p /tmp/mnt
	run mkfs mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/mybrd
	run mount mount -t ext4 /dev/mybrd /tmp/mnt
	echo 1 > $p/trace
	echo 1 > $p/stack
	between_steps close closed cp /tmp/blk /tmp/mnt/f
	between_steps fsync fsynced dd if=/tmp/blk of=/tmp/mnt/f bs=4096 count=1 \
		conv=notrunc,fsync 2>/dev/null
	between_steps umount umounted umount /tmp/mnt
	fact umount_rc $?
}

# read_stack: stack_reads=1, the device held open: a read of block 8 that
# misses the page cache (read..done), then the same read again, a hit
# (again..again_done).
read_stack() {
	load_traced_and_held stack_reads=1
	between_steps read "done" read_block 8
	between_steps again again_done read_block 8
}
