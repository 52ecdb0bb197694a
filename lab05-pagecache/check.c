// SPDX-License-Identifier: GPL-2.0
/*
 * lab05-pagecache checker: the driver logs every bio it receives, and the
 * log shows the page cache at work. Each test is a shell function of
 * tests.sh (or of harness/guest/biotrace.sh, shared with lab 06) that
 * drives /dev/mybrd with dd between marker lines "step: <name>" in the
 * kernel log; its judge reads the driver's trace lines between two markers
 * (harness/src/biotrace.h):
 *
 *	mybrd: WRITE sector=800 bytes=4096 flags=0x801
 *
 * Page-cache tests hold the device open: the last close of a block device
 * writes its dirty pages back and empties its page cache, so without a
 * holder every dd would start from an empty cache.
 */
#include "biotrace.h"
#include "core_tests.h"
#include "lab.h"
#include "symptom.h"

static void judge_switch(struct judge *j)
{
	struct io_seen off, on, off2;

	expect_ok(j);
	expect_that(j, fact_of(j, "param") && *fact_of(j, "param"),
		    "a file /sys/module/mybrd/parameters/trace",
		    "none: mybrd has no parameter \"trace\" (insmod ignores unknown ones)");
	expect_fact(j, "param", "N",
		    "with trace=0, /sys/module/mybrd/parameters/trace reads N");
	expect_fact(j, "perm", "644",
		    "/sys/module/mybrd/parameters/trace is writable by root (0644)");
	if (!expect_io(j, "off", "on", "READ", 0, &off) ||
	    !expect_io(j, "on", "off2", "READ", 0, &on) ||
	    !expect_io(j, "off2", "end", "READ", 0, &off2))
		return;
	expect_that(j, off.all == 0,
		    "with trace=0, no trace line for an O_DIRECT read and write",
		    "%s", off.text);
	expect_that(j, on.all >= 2,
		    "after echo 1 > .../parameters/trace, a line for the read and one for the write",
		    "%s", on.text);
	expect_that(j, off2.all == 0,
		    "after echo 0 > .../parameters/trace, no trace line again",
		    "%s", off2.text);
}

static void judge_first_read(struct judge *j)
{
	struct io_seen io;

	expect_ok(j);
	if (!expect_io(j, "read1", "read1done", "READ", 0, &io))
		return;
	expect_that(j, io.covers,
		    "a cold 4 KiB read of block 0 reaches the driver: a READ at sector 0",
		    "%s", io.text);
	expect_that(j, io.bytes > 4096,
		    "the driver is asked for more than the 4096 bytes read: readahead",
		    "%s", io.text);
	expect_that(j, io.bios == 1,
		    "one READ line: the readahead window is one bio",
		    "%s", io.text);
}

static void judge_cache_hit(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "read1", "read1done", "READ", 0,
		       "the first read of block 0 reaches the driver");
	expect_no_io(j, "read2", "read2done", "READ",
		     "the second read of block 0 is served by the page cache: no READ reaches the driver");
}

static void judge_drop_clean(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "read1", "read1done", "READ", 0,
		       "the first read of block 0 reaches the driver");
	expect_no_io(j, "read2", "read2done", "READ",
		     "the second read of block 0 is a page-cache hit");
	expect_reached(j, "read3", "read3done", "READ", 0,
		       "after echo 1 > /proc/sys/vm/drop_caches, the read of block 0 reaches the driver again");
}

static void judge_write_at_sync(struct judge *j)
{
	expect_ok(j);
	expect_no_io(j, "write", "written", "WRITE",
		     "a buffered write(2) of block 100 (device held open) does not reach the driver");
	expect_reached(j, "sync", "synced", "WRITE", 800,
		       "sync writes the dirty page: a WRITE at sector 800");
	expect_data(j, "sum", "after sync");
}

static void judge_fsync(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "fsync", "fsynced", "WRITE", 800,
		       "dd conv=fsync (device held open): the WRITE at sector 800 reaches the driver before dd ends");
	expect_no_io(j, "sync", "synced", "WRITE",
		     "a sync after it finds nothing left to write");
	expect_data(j, "sum", "after fsync");
}

static void judge_direct(struct judge *j)
{
	struct io_seen r, w;

	expect_ok(j);
	expect_reached(j, "cache", "cached", "READ", 0,
		       "the buffered read of block 0 reaches the driver (and fills the cache)");
	if (!expect_io(j, "dread", "dreaddone", "READ", 0, &r) ||
	    !expect_io(j, "dwrite", "dwritten", "WRITE", 40, &w))
		return;
	expect_that(j, r.covers && r.bytes == 4096,
		    "an O_DIRECT read of the cached block 0 still reaches the driver, 4096 bytes, no readahead",
		    "%s", r.text);
	expect_that(j, w.covers && w.bytes == 4096,
		    "an O_DIRECT write of block 5 reaches the driver during write(2): WRITE sector=40 bytes=4096",
		    "%s", w.text);
	expect_data(j, "sum", "after the O_DIRECT write");
}

static void judge_readahead(struct judge *j)
{
	struct io_seen none, dflt;

	expect_ok(j);
	if (!expect_io(j, "ra0", "ra0done", "READ", 0, &none) ||
	    !expect_io(j, "ra128", "ra128done", "READ", 0, &dflt))
		return;
	expect_that(j, none.covers && none.bytes == 4096,
		    "with read_ahead_kb=0, a 4 KiB read of block 0 asks the driver for 4096 bytes",
		    "%s", none.text);
	expect_that(j, dflt.covers && dflt.bytes > 4096 &&
		    dflt.bytes <= 128 * 1024,
		    "with read_ahead_kb=128, the same read asks for more than 4096 bytes (at most 128 KiB)",
		    "%s", dflt.text);
}

static void judge_last_close(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "read1", "read1done", "READ", 0,
		       "no holder: the first read of block 0 reaches the driver");
	expect_reached(j, "read2", "read2done", "READ", 0,
		       "no holder: the second read reaches the driver too (the last close emptied the cache)");
	expect_reached(j, "write", "written", "WRITE", 24,
		       "no holder: a buffered dd write of block 3 reaches the driver before dd ends (at its close)");
	expect_data(j, "sum", "after the close");
}

static void judge_roundtrip(struct judge *j)
{
	expect_ok(j);
	judge_hint(j, "lab 02's store: mybrd_do_bvec(), mybrd_insert_page()");
	expect_same_sum(j, "want", "got",
			"1 MiB written with dd conv=fsync reads back identical after drop_caches");
	expect_fact(j, "nr_pages", "256",
		    "/sys/kernel/debug/mybrd/nr_pages is 256 after 1 MiB written");
}

/*
 * The flags are decoded with the running kernel's bits (biotrace.h's
 * expect_flags). Measured with the solution on 6.1 and 6.12 alike: an
 * O_DIRECT read is READ SYNC, a cold buffered read READ RAHEAD (even with
 * read_ahead_kb=0: the page cache still reads through readahead), an
 * O_DIRECT write WRITE SYNC IDLE, fsync's write WRITE SYNC, the flusher's
 * write-back plain WRITE; sync(1)'s write is either (the flusher or sync
 * gets there first), so it is not judged.
 */
static void judge_flags_reads(struct judge *j)
{
	expect_ok(j);
	expect_flags(j, "direct", "direct_done", "READ", 8, "READ -RAHEAD",
		     "an O_DIRECT read of block 1: flags=bio->bi_opf holds the op READ (no write bit) and no REQ_RAHEAD (it was asked for)");
	expect_flags(j, "cold", "cold_done", "READ", 0, "READ +RAHEAD",
		     "a cold buffered read of block 0 is readahead: REQ_RAHEAD is set");
}

static void judge_flags_sync_writes(struct judge *j)
{
	expect_ok(j);
	expect_flags(j, "direct", "direct_done", "WRITE", 40, "WRITE +SYNC",
		     "an O_DIRECT write of block 5: flags=bio->bi_opf holds the op WRITE and REQ_SYNC");
	expect_flags(j, "fsync", "fsynced", "WRITE", 800,
		     "WRITE +SYNC -PREFLUSH -FUA",
		     "dd conv=fsync: fsync writes the dirty page and waits (WB_SYNC_ALL), so the write is REQ_SYNC");
	expect_no_flush(j, "fsync", "fsynced",
			"no flush reaches the driver: with no write cache declared, the block layer drops fsync's REQ_PREFLUSH and ends the empty flush itself");
}

static void judge_flags_writeback(struct judge *j)
{
	expect_ok(j);
	expect_no_io(j, "write", "written", "WRITE",
		     "a buffered write of block 200 (device held open) does not reach the driver");
	expect_fact(j, "writeback", "done",
		    "woken by a new dirty_writeback_centisecs, the flusher writes the dirty page back");
	expect_flags(j, "flusher", "flushed", "WRITE", 1600, "-SYNC",
		     "the flusher's write-back of block 200 (WB_SYNC_NONE: nobody waits for it) is not REQ_SYNC");
}

static const struct lab_test tests[] = {
	TEST_TRACE_LINE_FORMAT("TODO 2: pr_info(\"%s sector=%llu bytes=%u flags=0x%x\\n\", blk_op_str(bio_op(bio)), ...); TODO 1 declares trace",
			       true),
	{
		.name = "trace_switch",
		.behaviour = "trace=0 logs nothing; writing 1 and 0 to /sys/module/mybrd/parameters/trace switches it",
		.judge = judge_switch,
		.hint = "TODO 1: module_param(trace, bool, 0644); TODO 2 logs only while trace is set",
		.skeleton_fails = true,
	},
	{
		.name = "first_read_reaches_driver",
		.behaviour = "a cold 4 KiB read reaches the driver, enlarged by readahead",
		.judge = judge_first_read,
		.hint = "TODO 2: every bio gives a trace line, reads included",
		.skeleton_fails = true,
	},
	{
		.name = "second_read_is_cache_hit",
		.behaviour = "reading the same block again (device held open) does not reach the driver",
		.judge = judge_cache_hit,
		.hint = "TODO 2: a line for every bio the driver receives, no more: the page cache answers the second read",
		.skeleton_fails = true,
	},
	{
		.name = "drop_caches_evicts_clean_pages",
		.behaviour = "after echo 1 > /proc/sys/vm/drop_caches the same read reaches the driver again",
		.judge = judge_drop_clean,
		.hint = "TODO 2: log every bio; drop_caches removes the clean cached pages, so the driver is asked again",
		.skeleton_fails = true,
	},
	{
		.name = "buffered_write_reaches_driver_at_sync",
		.behaviour = "a buffered write does not reach the driver at write(2) but at sync, intact",
		.judge = judge_write_at_sync,
		.hint = "TODO 2: log writes too; the page cache keeps the data dirty until sync",
		.skeleton_fails = true,
	},
	{
		.name = "fsync_reaches_driver",
		.behaviour = "dd conv=fsync: the write reaches the driver inside dd, not later",
		.judge = judge_fsync,
		.hint = "TODO 2: log writes too; fsync(2) writes the file's dirty pages before it returns",
		.skeleton_fails = true,
	},
	TEST_DROP_CACHES_KEEPS_DIRTY_PAGES("TODO 2: log every bio; drop_caches only evicts clean pages, it never writes",
					   true),
	{
		.name = "o_direct_bypasses_cache",
		.behaviour = "O_DIRECT reads and writes reach the driver even when the block is cached",
		.judge = judge_direct,
		.hint = "TODO 2: log every bio, whatever its flags",
		.skeleton_fails = true,
	},
	{
		.name = "read_ahead_kb_sets_read_size",
		.behaviour = "queue/read_ahead_kb decides how much the first read asks of the driver",
		.judge = judge_readahead,
		.hint = "TODO 2: bytes= is bio->bi_iter.bi_size, the size of the whole bio",
		.skeleton_fails = true,
	},
	{
		.name = "last_close_writes_back_and_empties_cache",
		.behaviour = "without a holder, each dd's close writes back and empties the cache",
		.judge = judge_last_close,
		.hint = "TODO 2: log every bio; the last close of a block device syncs and drops its page cache",
		.skeleton_fails = true,
	},
	{
		.name = "trace_flags_reads",
		.behaviour = "flags= of a read: the op READ; REQ_RAHEAD for readahead, not for an O_DIRECT read",
		.judge = judge_flags_reads,
		.hint = "TODO 2: a line for every bio, flags= all of bio->bi_opf as it is (op and flags together)",
		.skeleton_fails = true,
	},
	{
		.name = "trace_flags_sync_writes",
		.behaviour = "flags= of an O_DIRECT write and of fsync's write: the op WRITE and REQ_SYNC; no flush without a write cache",
		.judge = judge_flags_sync_writes,
		.hint = "TODO 2: a line for every bio, flags= all of bio->bi_opf as it is (op and flags together)",
		.skeleton_fails = true,
	},
	{
		.name = "trace_flags_writeback",
		.behaviour = "flags= of the flusher's write-back: no REQ_SYNC",
		.judge = judge_flags_writeback,
		.hint = "TODO 2: a line for every bio, flags= all of bio->bi_opf as it is: the trace adds no bit",
		.skeleton_fails = true,
	},
	/*
	 * Lab 02's behaviour, kept: the skeleton has it already (lab 02
	 * solved), so it passes; a driver whose changes broke the store
	 * (e.g. a trace that ends the bio, or consumes bi_iter) fails it.
	 */
	{
		.name = "data_roundtrip_1mib",
		.behaviour = "1 MiB written with conv=fsync reads back identical after drop_caches",
		.judge = judge_roundtrip,
		.hint = "lab 02's store: mybrd_do_bvec(), mybrd_insert_page(); TODO 2 must not touch the bio",
	},
	TEST_CORE_REGISTRATION("lab 02's registration is given code: mybrd_check_size() before anything is registered, set_capacity() in sectors, everything undone at rmmod", false),
	TEST_CORE_DATA("lab 02's data path is given code: the trace (TODO 2) must only read the bio, never advance or change it", false),
	TEST_DEFAULTS_ARE_OFF("trace", "TODO 1: static bool trace; is false unless insmod or /sys/module/mybrd/parameters/trace sets it; TODO 2 prints only if (trace)", true),
};

static const struct lab lab05 = {
	.id = "lab05-pagecache",
	.title = "the page cache, seen from the driver",
	LAB_TESTS(tests),
	.symptoms = &symptom_hints_given,
};

int main(int argc, char **argv)
{
	return lab_main(&lab05, argc, argv);
}
