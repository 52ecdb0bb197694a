// SPDX-License-Identifier: GPL-2.0
/*
 * lab06-syscall-flush checker: where the driver's writes come from. The
 * driver prints a call stack for each data write (stack=1), declares a
 * write cache and counts the flushes that brings (write_cache=1), and
 * prints a call stack when drop_caches evicts its page cache
 * (trace_evict=1, a kprobe). The judges read the call traces between the
 * script's "step: <name>" markers with the harness's log reader and look
 * for the frames of the running kernel, from one table per kernel.
 *
 * The I/O helpers are lab05-pagecache's, unchanged: the shell prefix
 * (markers, the flusher kept away, dd wrappers), the parser of the trace
 * lines "mybrd: WRITE sector=800 bytes=4096 flags=0x801" and the slices
 * between markers. Page-cache tests hold the device open (exec
 * 3</dev/mybrd): its last close writes back and empties the cache.
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

/* --- call traces --- */

/* REQ_PREFLUSH in bi_opf (include/linux/blk_types.h, 6.1 and 6.12). */
#define REQ_PREFLUSH_BIT 0x40000UL

/* Frames a call trace must hold on one kernel series, innermost first. */
struct path {
	const char *series;		/* "6.1", "6.12": the release's start */
	const char *const names[10];	/* NULL-terminated */
};

/*
 * Read in the solution's traces on Debian's 6.1.0-56 and 6.12.117 (the
 * lab guide shows them whole). Inlined and tail-called functions never
 * appear: 6.1's ____fput, 6.12's __fput_sync and iterate_supers.
 */
static const struct path close_paths[] = {
	{ "6.1", { "filemap_write_and_wait_range", "blkdev_put",
		   "blkdev_close", "__fput", "task_work_run",
		   "exit_to_user_mode_prepare", "syscall_exit_to_user_mode",
		   "do_syscall_64" } },
	{ "6.12", { "filemap_write_and_wait_range", "bdev_release",
		    "blkdev_release", "__fput", "__x64_sys_close",
		    "do_syscall_64" } },
};

static const struct path fsync_paths[] = {
	{ "6.1", { "file_write_and_wait_range", "blkdev_fsync",
		   "__x64_sys_fsync", "do_syscall_64" } },
	{ "6.12", { "file_write_and_wait_range", "blkdev_fsync", "do_fsync",
		    "__x64_sys_fsync", "do_syscall_64" } },
};

static const struct path direct_paths[] = {
	{ "6.1", { "blkdev_write_iter", "vfs_write", "ksys_write",
		   "do_syscall_64" } },
	{ "6.12", { "blkdev_write_iter", "vfs_write", "ksys_write",
		    "do_syscall_64" } },
};

static const struct path drop_paths[] = {
	{ "6.1", { "invalidate_mapping_pages", "drop_pagecache_sb",
		   "iterate_supers", "drop_caches_sysctl_handler",
		   "proc_sys_call_handler", "vfs_write", "ksys_write" } },
	{ "6.12", { "invalidate_mapping_pages", "drop_pagecache_sb",
		    "__iterate_supers", "drop_caches_sysctl_handler",
		    "proc_sys_call_handler", "vfs_write", "ksys_write" } },
};

#define PATHS(a) (a), sizeof(a) / sizeof((a)[0])

/* The table for the running kernel ("6.12.117+deb12-amd64"), or NULL. */
static const struct path *path_for(const char *kernel,
				   const struct path *paths, size_t n)
{
	for (size_t i = 0; kernel && i < n; i++) {
		size_t len = strlen(paths[i].series);

		if (!strncmp(kernel, paths[i].series, len) &&
		    kernel[len] == '.')
			return &paths[i];
	}
	return NULL;
}

static size_t path_len(const struct path *p)
{
	size_t n = 0;

	while (n < sizeof(p->names) / sizeof(p->names[0]) && p->names[n])
		n++;
	return n;
}

/* "a < b < c": a trace's frames, innermost first, for lessons. */
static void frames_text(const struct ktrace *t, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n && len + 1 < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? " < " : "",
				t->frames[i]);
}

static bool trace_has_frame(const struct ktrace *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->frames[i], name))
			return true;
	return false;
}

/* The call traces between two markers (*n of them; free with ktraces_free). */
static bool traces_between(struct judge *j, const char *from, const char *to,
			   struct ktrace **t, int *n)
{
	struct kslice s;

	*t = NULL;
	*n = 0;
	if (!expect_that(j, step_slice(j, from, to, &s),
			 "the script's step markers in the kernel log",
			 "no \"step: %s\" followed by \"step: %s\": the script stopped early",
			 from, to))
		return false;
	*n = klog_call_traces(&s, t);
	if (*n < 0)
		*n = 0;
	return true;
}

/*
 * Between the markers there are want call traces (0: one or more), and one
 * of them holds the running kernel's path; it must not hold the frame
 * absent (NULL: no such rule).
 */
static void expect_path(struct judge *j, const char *from, const char *to,
			const struct path *paths, size_t npaths, int want,
			const char *absent, const char *expected)
{
	const struct path *p = path_for(j->kernel, paths, npaths);
	char seen[420];
	struct ktrace *t;
	int n, hit = -1;

	if (!expect_that(j, p != NULL,
			 "a kernel whose frames this checker knows (6.1, 6.12)",
			 "kernel %s", j->kernel ? j->kernel : "(unknown)") ||
	    !traces_between(j, from, to, &t, &n))
		return;
	for (int i = 0; i < n && hit < 0; i++)
		if (ktrace_has_sequence(&t[i], p->names, path_len(p)))
			hit = i;
	frames_text(n ? &t[hit >= 0 ? hit : 0] : &(struct ktrace){ 0 }, seen,
		    sizeof(seen));
	expect_that(j, n > 0 && (want == 0 || n == want), expected,
		    "%d call trace%s between \"step: %s\" and \"step: %s\"",
		    n, n == 1 ? "" : "s", from, to);
	expect_that(j, hit >= 0, expected, "%s", seen);
	if (absent && hit >= 0)
		expect_that(j, !trace_has_frame(&t[hit], absent), expected,
			    "%s is in the trace: %s", absent, seen);
	ktraces_free(t, n);
}

/* No call trace at all between the markers. */
static void expect_no_trace(struct judge *j, const char *from, const char *to,
			    const char *expected)
{
	struct ktrace *t;
	int n;

	if (!traces_between(j, from, to, &t, &n))
		return;
	expect_that(j, n == 0, expected, "%d call trace%s", n,
		    n == 1 ? "" : "s");
	ktraces_free(t, n);
}

/* A number the script printed as key=N, or -1. */
static long number_of(const struct judge *j, const char *key)
{
	const char *v = fact_of(j, key);
	char *end;
	long n;

	if (!v || !*v)
		return -1;
	n = strtol(v, &end, 10);
	return *end ? -1 : n;
}

/* --- the judges --- */

/* Lab 05's, unchanged. */
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

/* Lab 06's. */

static void judge_close(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "write", "written", "WRITE", 24,
		       "no holder: the buffered write of block 3 reaches the driver before dd ends");
	expect_path(j, "write", "written", PATHS(close_paths), 1, "vfs_write",
		    "one call trace, of the write, that runs inside close(2), not write(2)");
	expect_data(j, "sum", "after the close");
}

static void judge_fsync_stack(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "fsync", "fsynced", "WRITE", 24,
		       "dd conv=fsync: the write of block 3 reaches the driver before dd ends");
	expect_path(j, "fsync", "fsynced", PATHS(fsync_paths), 1, "vfs_write",
		    "one call trace, of the write, that runs inside fsync(2)");
	expect_data(j, "sum", "after fsync");
}

static void judge_direct_stack(struct judge *j)
{
	expect_ok(j);
	expect_reached(j, "quiet", "quieted", "WRITE", 40,
		       "stack=0: the O_DIRECT write of block 5 reaches the driver");
	expect_no_trace(j, "quiet", "quieted",
			"with stack=0, no call trace");
	expect_fact(j, "stack_param", "Y",
		    "after echo 1 > /sys/module/mybrd/parameters/stack, it reads Y");
	expect_path(j, "loud", "louded", PATHS(direct_paths), 1, NULL,
		    "with stack=1, an O_DIRECT write and read give one call trace, the write's, inside write(2)");
}

/* The flush bio as the trace shows it: WRITE, 0 bytes, REQ_PREFLUSH. */
static bool flush_line_in(const struct kslice *s)
{
	struct bio_line b;

	for (size_t i = s->first; i < s->end; i++)
		if (parse_bio_line(s->log->lines[i], &b) &&
		    !strcmp(b.op, "WRITE") && b.bytes == 0 &&
		    (b.flags & REQ_PREFLUSH_BIT))
			return true;
	return false;
}

static void judge_flush(struct judge *j)
{
	long before = number_of(j, "before"), after = number_of(j, "after");
	struct kslice s;

	expect_ok(j);
	judge_hint(j, "TODO 2: if write_cache, blk_queue_write_cache(disk->queue, true, false) before add_disk()");
	expect_fact(j, "wc", "write back",
		    "with write_cache=1, /sys/block/mybrd/queue/write_cache says \"write back\"");
	judge_hint(j, "TODO 4: /sys/kernel/debug/mybrd/flushes, from mybrd_flushes_get()");
	expect_that(j, before == 0,
		    "/sys/kernel/debug/mybrd/flushes exists and reads 0 after insmod",
		    "%s", fact_of(j, "before") && *fact_of(j, "before") ?
		    fact_of(j, "before") : "no such file");
	judge_hint(j, NULL);
	if (!expect_that(j, step_slice(j, "fsync", "fsynced", &s),
			 "the script's step markers in the kernel log",
			 "the script stopped early"))
		return;
	judge_hint(j, "TODO 2: with the cache declared before add_disk(), the block layer passes flushes on");
	expect_that(j, flush_line_in(&s),
		    "dd conv=fsync sends the driver a flush: a trace line WRITE ... bytes=0 with REQ_PREFLUSH (0x40000) in flags",
		    "%s", io_in(&s, "WRITE", 0).text);
	judge_hint(j, NULL);
	expect_that(j, after >= 1,
		    "after dd conv=fsync, flushes counts at least 1",
		    "flushes=%ld", after);
	judge_hint(j, "TODO 1: dump_stack() only for bios with data (bio_has_data())");
	expect_path(j, "fsync", "fsynced", PATHS(fsync_paths), 1, NULL,
		    "stack=1: one call trace, the data write's; the empty flush gets none");
	judge_hint(j, NULL);
}

static void judge_no_flush(struct judge *j)
{
	struct kslice s;

	expect_ok(j);
	judge_hint(j, "TODO 2: declare the write cache only when write_cache is set");
	expect_fact(j, "wc", "write through",
		    "with write_cache=0, /sys/block/mybrd/queue/write_cache says \"write through\"");
	judge_hint(j, "TODO 4: /sys/kernel/debug/mybrd/flushes, from mybrd_flushes_get()");
	expect_that(j, number_of(j, "after") >= 0,
		    "a file /sys/kernel/debug/mybrd/flushes", "none");
	judge_hint(j, NULL);
	expect_fact(j, "after", "0",
		    "without a write cache, dd conv=fsync sends no flush: flushes stays 0");
	if (step_slice(j, "fsync", "fsynced", &s))
		expect_that(j, !flush_line_in(&s),
			    "no empty REQ_PREFLUSH write reaches the driver",
			    "%s", io_in(&s, "WRITE", 0).text);
}

/* A line starting with prefix in the slice. */
static bool line_in(const struct kslice *s, const char *prefix)
{
	for (size_t i = s->first; i < s->end; i++)
		if (!strncmp(s->log->lines[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static void judge_drop_stack(struct judge *j)
{
	struct io_seen io;
	struct kslice s;

	expect_ok(j);
	expect_that(j, step_slice(j, "drop", "dropped", &s) &&
		    line_in(&s, "mybrd: evict nrpages="),
		    "with trace_evict=1, a line \"mybrd: evict nrpages=N\" at drop_caches",
		    "none between \"step: drop\" and \"step: dropped\"");
	expect_path(j, "drop", "dropped", PATHS(drop_paths), 1, NULL,
		    "one call trace at drop_caches, for mybrd's page cache only: drop_caches_sysctl_handler > ... > invalidate_mapping_pages");
	judge_hint(j, "lab 05: drop_caches evicts clean pages only");
	if (expect_io(j, "drop", "dropped", "WRITE", 0, &io))
		expect_that(j, io.bios == 0,
			    "drop_caches writes nothing: the dirty block 100 is skipped",
			    "%s", io.text);
	expect_reached(j, "sync", "synced", "WRITE", 800,
		       "sync writes the dirty page drop_caches skipped (WRITE at sector 800)");
	expect_data(j, "sum", "after drop_caches and sync");
}

/* Holds the device open for the rest of the script. */
#define HOLD "exec 3</dev/mybrd\n"

static const struct lab_test tests[] = {
	{
		.name = "close_writes_in_close",
		.behaviour = "a buffered dd write reaches the driver inside close(2): stack=1 shows the path",
		.script = IO_SH
			  "load_mybrd trace=1 stack=1 || exit\n"
			  "step write\nwr /tmp/blk 3\nstep written\n"
			  "fact sum \"$(blk_sum 3)\"\n",
		.judge = judge_close,
		.hint = "TODO 1: dump_stack() for bios that write data, when stack is set",
		.skeleton_fails = true,
	},
	{
		.name = "fsync_writes_in_fsync",
		.behaviour = "dd conv=fsync: the write reaches the driver inside fsync(2)",
		.script = IO_SH
			  "load_mybrd trace=1 stack=1 || exit\n"
			  "step fsync\nwr /tmp/blk 3 conv=fsync\nstep fsynced\n"
			  "fact sum \"$(blk_sum 3)\"\n",
		.judge = judge_fsync_stack,
		.hint = "TODO 1: dump_stack() for bios that write data, when stack is set",
		.skeleton_fails = true,
	},
	{
		.name = "direct_write_in_write",
		.behaviour = "stack=0 prints no stack; with stack=1 an O_DIRECT write shows write(2)",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n"
			  "step quiet\nwr /tmp/blk 5 oflag=direct\nstep quieted\n"
			  "echo 1 > /sys/module/mybrd/parameters/stack\n"
			  "fact stack_param \"$(cat /sys/module/mybrd/parameters/stack)\"\n"
			  "step loud\nwr /tmp/blk 5 oflag=direct\nrd 5 iflag=direct\nstep louded\n",
		.judge = judge_direct_stack,
		.hint = "TODO 1: dump_stack() only while stack is set, for every bio that writes data",
		.skeleton_fails = true,
	},
	{
		.name = "write_cache_brings_flush",
		.behaviour = "write_cache=1: fsync sends the driver a flush, counted in debugfs flushes",
		.script = IO_SH
			  "load_mybrd trace=1 write_cache=1 stack=1 || exit\n"
			  "fact wc \"$(cat /sys/block/mybrd/queue/write_cache)\"\n"
			  "fact before \"$(cat /sys/kernel/debug/mybrd/flushes 2>/dev/null)\"\n"
			  "step fsync\nwr /tmp/blk 3 conv=fsync\nstep fsynced\n"
			  "fact after \"$(cat /sys/kernel/debug/mybrd/flushes 2>/dev/null)\"\n",
		.judge = judge_flush,
		.hint = "TODO 3: count bios with REQ_PREFLUSH in dev->flushes; TODO 2 declares the cache",
		.skeleton_fails = true,
	},
	{
		.name = "no_write_cache_no_flush",
		.behaviour = "write_cache=0: fsync sends no flush, debugfs flushes stays 0",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n"
			  "fact wc \"$(cat /sys/block/mybrd/queue/write_cache)\"\n"
			  "step fsync\nwr /tmp/blk 3 conv=fsync\nstep fsynced\n"
			  "fact after \"$(cat /sys/kernel/debug/mybrd/flushes 2>/dev/null)\"\n",
		.judge = judge_no_flush,
		.hint = "TODO 2: declare the write cache only when write_cache is set",
		.skeleton_fails = true,
	},
	{
		.name = "drop_caches_stack",
		.behaviour = "trace_evict=1: drop_caches shows its path to mybrd's page cache, skips the dirty page",
		.script = IO_SH
			  "load_mybrd trace=1 trace_evict=1 || exit\n" HOLD
			  "rd 0\nwr /tmp/blk 100\n"
			  "step drop\ndrop_caches\nstep dropped\n"
			  "step sync\nsync\nstep synced\n"
			  "fact sum \"$(blk_sum 100)\"\n",
		.judge = judge_drop_stack,
		.hint = "TODOs 5 and 6: a kprobe on invalidate_mapping_pages whose handler dump_stack()s for mybrd_bdev_mapping(disk->part0) only",
		.skeleton_fails = true,
	},
	/*
	 * Lab 05's behaviour, kept. The skeleton has it already (lab 05
	 * solved), so it passes; a driver whose new code broke the trace or
	 * the bio (e.g. counting flushes by ending the bio) fails it.
	 */
	{
		.name = "trace_line_format",
		.behaviour = "with trace=1 each bio gives one line: mybrd: OP sector=S bytes=B flags=0xF",
		.script = IO_SH
			  "load_mybrd trace=1 || exit\n"
			  "step write\nwr /tmp/blk 2 oflag=direct\nstep written\n"
			  "step read\nrd 2 iflag=direct\nstep done\n"
			  "fact sum \"$(blk_sum 2)\"\n",
		.judge = judge_format,
		.hint = "lab 05's mybrd_trace_bio(): one line per bio, before the bio is ended",
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
		.hint = "lab 05's mybrd_trace_bio(); drop_caches only evicts clean pages, it never writes",
	},
};

static const struct lab lab06 = {
	.id = "lab06-syscall-flush",
	.title = "system calls, flushes and drop_caches, seen from the driver",
	LAB_TESTS(tests),
};

int main(int argc, char **argv)
{
	return lab_main(&lab06, argc, argv);
}
