# shellcheck shell=dash
# The bio trace (labs 05 and 06): with trace=1 the driver logs a line for
# every bio, "mybrd: WRITE sector=800 bytes=4096 flags=0x801". A test drives
# /dev/mybrd with dd between marker lines "step: <name>" it writes to the
# kernel log; the judge reads the driver's lines between two markers
# (harness/src/biotrace.h).
#
# Page-cache tests hold the device open (hold_mybrd_open): the last close of
# a block device writes its dirty pages back and empties its page cache, so
# without a holder every dd would start from an empty cache.

# bio_trace_setup: what every bio-trace test does first, before insmod.
# Keeps the flusher thread away (on a new disk it writes a dirty page back
# about 5 s after the first write, which a slow VM reaches; set before
# insmod, an hour), makes /tmp/blk, the random 4 KiB block the tests write,
# and prints its checksum as want_sum (for the judge's expect_data).
bio_trace_setup() {
	echo 360000 > /proc/sys/vm/dirty_writeback_centisecs
	dd if=/dev/urandom of=/tmp/blk bs=4096 count=1 2>/dev/null
	fact want_sum "$(sha256sum < /tmp/blk | cut -d' ' -f1)"
}

# load_traced [PARAM=VALUE...]: bio_trace_setup, then insmod trace=1 and
# the PARAMs; ends the test (with insmod's status) if insmod fails.
load_traced() {
	bio_trace_setup
	load_mybrd trace=1 "$@" || exit
}

# load_traced_and_held [PARAM=VALUE...]: load_traced, then /dev/mybrd held
# open for the rest of the test.
load_traced_and_held() {
	load_traced "$@"
	hold_mybrd_open
}

# trace_step NAME: the marker "step: NAME" in the kernel log, to order the
# driver's lines.
trace_step() {
	echo "step: $1" > /dev/kmsg
}

# between_steps FROM TO CMD [ARG...]: CMD between the markers FROM and TO.
between_steps() {
	local from=$1 to=$2
	shift 2
	trace_step "$from"
	"$@"
	trace_step "$to"
}

# Holds /dev/mybrd open (fd 3) for the rest of the test: its page cache
# lives on between dd runs.
hold_mybrd_open() {
	exec 3</dev/mybrd
}

# read_block BLOCK [dd flags]: reads the disk's 4 KiB block BLOCK.
read_block() {
	local block=$1
	shift
	dd if=/dev/mybrd of=/dev/null bs=4096 count=1 skip="$block" "$@" 2>/dev/null
}

# write_block BLOCK [dd flags]: writes /tmp/blk (bio_trace_setup) to the
# disk's 4 KiB block BLOCK.
write_block() {
	local block=$1
	shift
	dd if=/tmp/blk of=/dev/mybrd bs=4096 count=1 seek="$block" "$@" 2>/dev/null
}

# block_sum BLOCK: the sha256 of block BLOCK as the driver has it (O_DIRECT).
block_sum() {
	dd if=/dev/mybrd bs=4096 count=1 skip="$1" iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1
}

# Evicts the clean pages of every page cache.
drop_caches() {
	echo 1 > /proc/sys/vm/drop_caches
}

# The tests labs 05 and 06 both run (their judges: harness/src/biotrace.c).

trace_line_format() {
	load_traced
	between_steps write written write_block 2 oflag=direct
	between_steps read "done" read_block 2 iflag=direct
	fact sum "$(block_sum 2)"
}

drop_caches_keeps_dirty_pages() {
	load_traced_and_held
	between_steps write written write_block 200
	between_steps drop dropped drop_caches
	between_steps sync synced sync
	fact sum "$(block_sum 200)"
}

# defaults_are_off PARAM...: mybrd loaded with no parameter at all: each
# PARAM's value (param_NAME=N, or "missing"), then a direct write and read
# of block 1 between the steps "quiet" and "quiet_end": with every switch
# off by default, the driver prints nothing for them.
defaults_are_off() {
	bio_trace_setup
	load_mybrd || exit
	for p in "$@"; do
		fact "param_$p" "$(cat "/sys/module/mybrd/parameters/$p" 2>/dev/null || echo missing)"
	done
	trace_step quiet
	write_block 1 oflag=direct
	read_block 1 iflag=direct
	trace_step quiet_end
}
