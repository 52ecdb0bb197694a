// SPDX-License-Identifier: GPL-2.0
/*
 * lab05-pagecache checker: the driver logs every bio it receives, and the
 * log shows the page cache at work. Each test drives /dev/mybrd with dd
 * between marker lines the script writes to the kernel log
 * ("step: <name>"), then reads the driver's trace lines between two
 * markers:
 *
 *	mybrd: WRITE sector=800 bytes=4096 flags=0x801
 *
 * Page-cache tests hold the device open in the script's shell (exec
 * 3</dev/mybrd): the last close of a block device writes its dirty pages
 * back and empties its page cache, so without a holder every dd would
 * start from an empty cache. They also keep the flusher thread away from
 * the disk (dirty_writeback_centisecs): on a new disk it writes a dirty
 * page back about 5 s after the first write, which a slow VM reaches.
 */
#include "lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shell helpers, prepended to every script that drives I/O. */
#define IO_SH \
	"# step NAME: a marker in the kernel log, to order the driver's lines.\n" \
	"step() { echo \"step: $1\" > /dev/kmsg; }\n" \
	"# The flusher thread would write a dirty page back 5 s after the first\n" \
	"# write to a new disk; set before insmod, an hour keeps it away.\n" \
	"echo 360000 > /proc/sys/vm/dirty_writeback_centisecs\n" \
	"# rd BLOCK [dd flags]: reads the disk's 4 KiB block BLOCK.\n" \
	"rd() { b=$1; shift; dd if=/dev/mybrd of=/dev/null bs=4096 count=1 skip=$b \"$@\" 2>/dev/null; }\n" \
	"# wr FILE BLOCK [dd flags]: writes 4 KiB of FILE to block BLOCK.\n" \
	"wr() { f=$1; b=$2; shift 2; dd if=$f of=/dev/mybrd bs=4096 count=1 seek=$b \"$@\" 2>/dev/null; }\n" \
	"# blk_sum BLOCK: checksum of block BLOCK as the driver has it (O_DIRECT).\n" \
	"blk_sum() { dd if=/dev/mybrd bs=4096 count=1 skip=$1 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1; }\n" \
	"drop_caches() { echo 1 > /proc/sys/vm/drop_caches; }\n" \
	"dd if=/dev/urandom of=/tmp/blk bs=4096 count=1 2>/dev/null\n" \
	"fact want_sum \"$(sha256sum < /tmp/blk | cut -d' ' -f1)\"\n"

/* One trace line of the driver: "mybrd: OP sector=S bytes=B flags=0xF". */
struct bio_line {
	char op[16];
	unsigned long long sector;
	unsigned long bytes;
	unsigned long flags;
};

static bool parse_bio_line(const char *line, struct bio_line *b)
{
	char end;

	return sscanf(line, "mybrd: %15s sector=%llu bytes=%lu flags=0x%lx%c",
		      b->op, &b->sector, &b->bytes, &b->flags, &end) == 4;
}

/* Index of the line "step: <name>" in s at or after from, or s->end. */
static size_t find_step(const struct kslice *s, size_t from, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = from; i < s->end; i++) {
		const char *l = s->log->lines[i];

		if (!strncmp(l, "step: ", 6) && !strncmp(l + 6, name, len) &&
		    l[6 + len] == '\0')
			return i;
	}
	return s->end;
}

/*
 * The test's kernel lines between the markers "step: from" and "step: to".
 * False if either marker is missing (the script stopped before it).
 */
static bool step_slice(const struct judge *j, const char *from,
		       const char *to, struct kslice *out)
{
	const struct kslice *s = &j->result->dmesg;
	size_t a, b;

	if (!s->log)
		return false;
	a = find_step(s, s->first, from);
	if (a == s->end)
		return false;
	b = find_step(s, a + 1, to);
	if (b == s->end)
		return false;
	*out = (struct kslice){ .log = s->log, .first = a + 1, .end = b };
	return true;
}

/* What the driver logged in a slice, for one operation. */
struct io_seen {
	int bios;		/* trace lines of that op */
	unsigned long bytes;	/* their sizes added up */
	bool covers;		/* one of them covers the sector asked about */
	int all;		/* trace lines of any op */
	char text[300];		/* the trace lines, for lessons */
};

static void note_line(struct io_seen *io, const struct bio_line *b)
{
	size_t len = strlen(io->text);

	if (len < sizeof(io->text) - 1)
		snprintf(io->text + len, sizeof(io->text) - len, "%s%s sector=%llu bytes=%lu flags=0x%lx",
			 len ? "; " : "", b->op, b->sector, b->bytes,
			 b->flags);
}

static struct io_seen io_in(const struct kslice *s, const char *op,
			    unsigned long long sector)
{
	struct io_seen io = { 0 };
	struct bio_line b;

	for (size_t i = s->first; i < s->end; i++) {
		if (!parse_bio_line(s->log->lines[i], &b))
			continue;
		io.all++;
		note_line(&io, &b);
		if (strcmp(b.op, op))
			continue;
		io.bios++;
		io.bytes += b.bytes;
		if (b.sector <= sector && sector < b.sector + b.bytes / 512)
			io.covers = true;
	}
	if (!io.all)
		snprintf(io.text, sizeof(io.text), "no mybrd trace line");
	return io;
}

/* The I/O between two markers; fails the test if a marker is missing. */
static bool expect_io(struct judge *j, const char *from, const char *to,
		      const char *op, unsigned long long sector,
		      struct io_seen *io)
{
	struct kslice s;
	bool found = step_slice(j, from, to, &s);

	if (!expect_that(j, found, "the script's step markers in the kernel log",
			 "no \"step: %s\" followed by \"step: %s\": the script stopped early",
			 from, to))
		return false;
	*io = io_in(&s, op, sector);
	return true;
}

/* op reached the driver between the markers, for a bio covering sector. */
static bool expect_reached(struct judge *j, const char *from, const char *to,
			   const char *op, unsigned long long sector,
			   const char *expected)
{
	struct io_seen io;

	return expect_io(j, from, to, op, sector, &io) &&
	       expect_that(j, io.covers, expected, "between \"step: %s\" and \"step: %s\": %s",
			   from, to, io.text);
}

/* Nothing of op reached the driver between the markers. */
static bool expect_no_io(struct judge *j, const char *from, const char *to,
			 const char *op, const char *expected)
{
	struct io_seen io;

	return expect_io(j, from, to, op, 0, &io) &&
	       expect_that(j, io.bios == 0, expected, "between \"step: %s\" and \"step: %s\": %s",
			   from, to, io.text);
}

/* The block the script wrote reads back (O_DIRECT) with its checksum. */
static bool expect_data(struct judge *j, const char *key, const char *when)
{
	const char *want = fact_of(j, "want_sum");
	const char *got = fact_of(j, key);
	char expected[160];
	bool ok;

	snprintf(expected, sizeof(expected),
		 "%s, the block reads back from the driver as written", when);
	judge_hint(j, "lab 02's store, mybrd_do_bvec(): the data must survive");
	ok = expect_that(j, want && got && !strcmp(want, got), expected,
			 "sha256 %.16s..., written %.16s...",
			 got ? got : "(none)", want ? want : "(none)");
	judge_hint(j, NULL);
	return ok;
}

/* --- the judges --- */

static void judge_format(struct judge *j)
{
	struct io_seen w, r;

	expect_ok(j);
	if (!expect_io(j, "write", "written", "WRITE", 16, &w) ||
	    !expect_io(j, "read", "done", "READ", 16, &r))
		return;
	expect_that(j, w.all == 1 && w.bios == 1 && w.covers && w.bytes == 4096,
		    "one line \"mybrd: WRITE sector=16 bytes=4096 flags=0x...\" for an O_DIRECT write of block 2",
		    "%s", w.text);
	expect_that(j, r.all == 1 && r.bios == 1 && r.covers && r.bytes == 4096,
		    "one line \"mybrd: READ sector=16 bytes=4096 flags=0x...\" for an O_DIRECT read of block 2",
		    "%s", r.text);
	expect_data(j, "sum", "after an O_DIRECT write");
}

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

static void judge_drop_dirty(struct judge *j)
{
	struct io_seen io;

	expect_ok(j);
	expect_no_io(j, "write", "written", "WRITE",
		     "a buffered write of block 200 (device held open) does not reach the driver");
	if (!expect_io(j, "drop", "dropped", "WRITE", 0, &io))
		return;
	expect_that(j, io.all == 0,
		    "echo 1 > drop_caches neither writes nor reads: no trace line",
		    "%s", io.text);
	expect_reached(j, "sync", "synced", "WRITE", 1600,
		       "the dirty page survived drop_caches: sync writes it (WRITE at sector 1600)");
	expect_data(j, "sum", "after drop_caches and sync");
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
	expect_that(j, fact_of(j, "want") && fact_of(j, "got") &&
		    !strcmp(fact_of(j, "want"), fact_of(j, "got")),
		    "1 MiB written with dd conv=fsync reads back identical after drop_caches",
		    "sha256 %.16s... read, %.16s... written",
		    fact_of(j, "got") ? fact_of(j, "got") : "(none)",
		    fact_of(j, "want") ? fact_of(j, "want") : "(none)");
	expect_fact(j, "nr_pages", "256",
		    "/sys/kernel/debug/mybrd/nr_pages is 256 after 1 MiB written");
}

/* Holds the device open for the rest of the script. */
#define HOLD "exec 3</dev/mybrd\n"

static const struct lab_test tests[] = {
	{
		.name = "trace_line_format",
		.behaviour = "with trace=1 each bio gives one line: mybrd: OP sector=S bytes=B flags=0xF",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n"
			  "step write\nwr /tmp/blk 2 oflag=direct\nstep written\n"
			  "step read\nrd 2 iflag=direct\nstep done\n"
			  "fact sum \"$(blk_sum 2)\"\n",
		.judge = judge_format,
		.hint = "TODO 2: pr_info(\"%s sector=%llu bytes=%u flags=0x%x\\n\", blk_op_str(bio_op(bio)), ...); TODO 1 declares trace",
		.skeleton_fails = true,
	},
	{
		.name = "trace_switch",
		.behaviour = "trace=0 logs nothing; writing 1 and 0 to /sys/module/mybrd/parameters/trace switches it",
		.script = IO_SH
			  "load_mybrd trace=0 || exit\n"
			  "p=/sys/module/mybrd/parameters/trace\n"
			  "fact param \"$(cat $p 2>/dev/null)\"\n"
			  "fact perm \"$(stat -c %a $p 2>/dev/null)\"\n"
			  "step off\nwr /tmp/blk 1 oflag=direct\nrd 1 iflag=direct\n"
			  "echo 1 > $p\n"
			  "step on\nwr /tmp/blk 1 oflag=direct\nrd 1 iflag=direct\n"
			  "echo 0 > $p\n"
			  "step off2\nwr /tmp/blk 1 oflag=direct\nrd 1 iflag=direct\n"
			  "step end\n",
		.judge = judge_switch,
		.hint = "TODO 1: module_param(trace, bool, 0644); TODO 2 logs only while trace is set",
		.skeleton_fails = true,
	},
	{
		.name = "first_read_reaches_driver",
		.behaviour = "a cold 4 KiB read reaches the driver, enlarged by readahead",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step read1\nrd 0\nstep read1done\n",
		.judge = judge_first_read,
		.hint = "TODO 2: every bio gives a trace line, reads included",
		.skeleton_fails = true,
	},
	{
		.name = "second_read_is_cache_hit",
		.behaviour = "reading the same block again (device held open) does not reach the driver",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step read1\nrd 0\nstep read1done\n"
			  "step read2\nrd 0\nstep read2done\n",
		.judge = judge_cache_hit,
		.hint = "TODO 2: a line for every bio the driver receives, no more: the page cache answers the second read",
		.skeleton_fails = true,
	},
	{
		.name = "drop_caches_evicts_clean_pages",
		.behaviour = "after echo 1 > /proc/sys/vm/drop_caches the same read reaches the driver again",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step read1\nrd 0\nstep read1done\n"
			  "step read2\nrd 0\nstep read2done\n"
			  "drop_caches\n"
			  "step read3\nrd 0\nstep read3done\n",
		.judge = judge_drop_clean,
		.hint = "TODO 2: log every bio; drop_caches removes the clean cached pages, so the driver is asked again",
		.skeleton_fails = true,
	},
	{
		.name = "buffered_write_reaches_driver_at_sync",
		.behaviour = "a buffered write does not reach the driver at write(2) but at sync, intact",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step write\nwr /tmp/blk 100\nstep written\n"
			  "step sync\nsync\nstep synced\n"
			  "fact sum \"$(blk_sum 100)\"\n",
		.judge = judge_write_at_sync,
		.hint = "TODO 2: log writes too; the page cache keeps the data dirty until sync",
		.skeleton_fails = true,
	},
	{
		.name = "fsync_reaches_driver",
		.behaviour = "dd conv=fsync: the write reaches the driver inside dd, not later",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step fsync\nwr /tmp/blk 100 conv=fsync\nstep fsynced\n"
			  "step sync\nsync\nstep synced\n"
			  "fact sum \"$(blk_sum 100)\"\n",
		.judge = judge_fsync,
		.hint = "TODO 2: log writes too; fsync(2) writes the file's dirty pages before it returns",
		.skeleton_fails = true,
	},
	{
		.name = "drop_caches_keeps_dirty_pages",
		.behaviour = "drop_caches neither writes nor loses a dirty page; sync writes it later",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step write\nwr /tmp/blk 200\nstep written\n"
			  "step drop\ndrop_caches\nstep dropped\n"
			  "step sync\nsync\nstep synced\n"
			  "fact sum \"$(blk_sum 200)\"\n",
		.judge = judge_drop_dirty,
		.hint = "TODO 2: log every bio; drop_caches only evicts clean pages, it never writes",
		.skeleton_fails = true,
	},
	{
		.name = "o_direct_bypasses_cache",
		.behaviour = "O_DIRECT reads and writes reach the driver even when the block is cached",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "step cache\nrd 0\nstep cached\n"
			  "step dread\nrd 0 iflag=direct\nstep dreaddone\n"
			  "step dwrite\nwr /tmp/blk 5 oflag=direct\nstep dwritten\n"
			  "fact sum \"$(blk_sum 5)\"\n",
		.judge = judge_direct,
		.hint = "TODO 2: log every bio, whatever its flags",
		.skeleton_fails = true,
	},
	{
		.name = "read_ahead_kb_sets_read_size",
		.behaviour = "queue/read_ahead_kb decides how much the first read asks of the driver",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n" HOLD
			  "q=/sys/block/mybrd/queue/read_ahead_kb\n"
			  "echo 0 > $q\n"
			  "step ra0\nrd 0\nstep ra0done\n"
			  "drop_caches\necho 128 > $q\n"
			  "step ra128\nrd 0\nstep ra128done\n",
		.judge = judge_readahead,
		.hint = "TODO 2: bytes= is bio->bi_iter.bi_size, the size of the whole bio",
		.skeleton_fails = true,
	},
	{
		.name = "last_close_writes_back_and_empties_cache",
		.behaviour = "without a holder, each dd's close writes back and empties the cache",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n"
			  "step read1\nrd 0\nstep read1done\n"
			  "step read2\nrd 0\nstep read2done\n"
			  "step write\nwr /tmp/blk 3\nstep written\n"
			  "fact sum \"$(blk_sum 3)\"\n",
		.judge = judge_last_close,
		.hint = "TODO 2: log every bio; the last close of a block device syncs and drops its page cache",
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
		.script = "load_mybrd || exit\n"
			  "dd if=/dev/urandom of=/tmp/data bs=1M count=1 2>/dev/null\n"
			  "fact want \"$(sha256sum < /tmp/data | cut -d' ' -f1)\"\n"
			  "dd if=/tmp/data of=/dev/mybrd bs=1M conv=fsync 2>/dev/null\n"
			  "echo 1 > /proc/sys/vm/drop_caches\n"
			  "fact got \"$(dd if=/dev/mybrd bs=1M count=1 2>/dev/null | sha256sum | cut -d' ' -f1)\"\n"
			  "fact nr_pages \"$(cat /sys/kernel/debug/mybrd/nr_pages)\"\n",
		.judge = judge_roundtrip,
		.hint = "lab 02's store: mybrd_do_bvec(), mybrd_insert_page(); TODO 2 must not touch the bio",
	},
};

static const struct lab lab05 = {
	.id = "lab05-pagecache",
	.title = "the page cache, seen from the driver",
	LAB_TESTS(tests),
};

int main(int argc, char **argv)
{
	return lab_main(&lab05, argc, argv);
}
