// SPDX-License-Identifier: GPL-2.0
/*
 * lab06-syscall-flush checker: where the driver's writes come from. The
 * driver prints a call stack for each data write (stack=1), declares a
 * write cache and counts the flushes that brings (write_cache=1), and
 * prints a call stack when drop_caches evicts its page cache
 * (trace_evict=1, a kprobe). Each test is a shell function of tests.sh (or
 * of harness/guest/biotrace.sh, shared with lab 05); the judges read the
 * call traces between its "step: <name>" markers with the harness's log
 * reader and look for the frames of the running kernel, from one table per
 * kernel. The bio trace lines and the slices between markers are lab 05's
 * (harness/src/biotrace.h).
 */
#include "biotrace.h"
#include "core_tests.h"
#include "lab.h"
#include "symptom.h"

#include <stdio.h>
#include <string.h>

/* --- call traces --- */

/* Frames a call trace must hold on one kernel series, innermost first. */
struct path {
	const char *series;		/* "6.1", "6.12": the release's start */
	const char *names[16];		/* NULL-terminated */
};

/*
 * Read in the solution's traces on Debian's 6.1.0-56, 6.12.117 and 7.3.4
 * (the lab guide shows them whole). Inlined and tail-called functions never
 * appear: 6.1's ____fput, 6.12's __fput_sync and iterate_supers. The
 * write-back paths hold the lower half too, from submit_bio_noacct_nocheck
 * up: 6.1 writes page by page (__writepage), 6.12 whole folios from
 * blkdev_writepages through write_cache_pages, 7.3 without it
 * (writeback_iter(), 6.16, is inlined; filemap_writeback, its caller, is
 * left out: 6.1 and 6.12 call that step filemap_fdatawrite_wbc).
 * A kernel of another series is judged by the frames all of them share.
 */
static const struct path close_paths[] = {
	{ "6.1", { "submit_bio_noacct_nocheck", "__block_write_full_page",
		   "__writepage", "write_cache_pages", "do_writepages",
		   "filemap_write_and_wait_range", "blkdev_put",
		   "blkdev_close", "__fput", "task_work_run",
		   "exit_to_user_mode_prepare", "syscall_exit_to_user_mode",
		   "do_syscall_64" } },
	{ "6.12", { "submit_bio_noacct_nocheck", "__block_write_full_folio",
		    "write_cache_pages", "blkdev_writepages", "do_writepages",
		    "filemap_write_and_wait_range", "bdev_release",
		    "blkdev_release", "__fput", "__x64_sys_close",
		    "do_syscall_64" } },
	{ "7.3", { "submit_bio_noacct_nocheck", "__block_write_full_folio",
		   "blkdev_writepages", "do_writepages",
		   "filemap_write_and_wait_range", "bdev_release",
		   "blkdev_release", "__fput", "__x64_sys_close",
		   "do_syscall_64" } },
};

static const struct path fsync_paths[] = {
	{ "6.1", { "submit_bio_noacct_nocheck", "__block_write_full_page",
		   "__writepage", "write_cache_pages", "do_writepages",
		   "file_write_and_wait_range", "blkdev_fsync",
		   "__x64_sys_fsync", "do_syscall_64" } },
	{ "6.12", { "submit_bio_noacct_nocheck", "__block_write_full_folio",
		    "write_cache_pages", "blkdev_writepages", "do_writepages",
		    "file_write_and_wait_range", "blkdev_fsync", "do_fsync",
		    "__x64_sys_fsync", "do_syscall_64" } },
	{ "7.3", { "submit_bio_noacct_nocheck", "__block_write_full_folio",
		   "blkdev_writepages", "do_writepages",
		   "file_write_and_wait_range", "blkdev_fsync", "do_fsync",
		   "__x64_sys_fsync", "do_syscall_64" } },
};

/* A read(2) that misses the page cache, through readahead. */
static const struct path read_paths[] = {
	{ "6.1", { "submit_bio_noacct_nocheck", "mpage_readahead",
		   "read_pages", "page_cache_ra_unbounded", "filemap_get_pages",
		   "filemap_read", "blkdev_read_iter", "vfs_read", "ksys_read",
		   "do_syscall_64" } },
	{ "6.12", { "submit_bio_noacct_nocheck", "mpage_readahead",
		    "read_pages", "page_cache_ra_unbounded", "filemap_get_pages",
		    "filemap_read", "blkdev_read_iter", "vfs_read", "ksys_read",
		    "do_syscall_64" } },
	{ "7.3", { "submit_bio_noacct_nocheck", "mpage_readahead",
		   "read_pages", "page_cache_ra_unbounded", "filemap_get_pages",
		   "filemap_read", "blkdev_read_iter", "vfs_read", "ksys_read",
		   "do_syscall_64" } },
};

static const struct path direct_paths[] = {
	{ "6.1", { "blkdev_write_iter", "vfs_write", "ksys_write",
		   "do_syscall_64" } },
	{ "6.12", { "blkdev_write_iter", "vfs_write", "ksys_write",
		    "do_syscall_64" } },
	{ "7.3", { "blkdev_write_iter", "vfs_write", "ksys_write",
		   "do_syscall_64" } },
};

static const struct path drop_paths[] = {
	{ "6.1", { "invalidate_mapping_pages", "drop_pagecache_sb",
		   "iterate_supers", "drop_caches_sysctl_handler",
		   "proc_sys_call_handler", "vfs_write", "ksys_write" } },
	{ "6.12", { "invalidate_mapping_pages", "drop_pagecache_sb",
		    "__iterate_supers", "drop_caches_sysctl_handler",
		    "proc_sys_call_handler", "vfs_write", "ksys_write" } },
	{ "7.3", { "invalidate_mapping_pages", "drop_pagecache_sb",
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

static bool path_has(const struct path *p, const char *name)
{
	for (size_t i = 0; i < path_len(p); i++)
		if (!strcmp(p->names[i], name))
			return true;
	return false;
}

/*
 * For a series without a table: the frames that every known series' path
 * holds, in the first table's order (a kernel that is neither still calls
 * through them).
 */
static void shared_path(const struct path *paths, size_t n, struct path *out)
{
	size_t got = 0;

	*out = (struct path){ .series = "shared" };
	for (size_t i = 0; i < path_len(&paths[0]); i++) {
		bool everywhere = true;

		for (size_t k = 1; k < n && everywhere; k++)
			everywhere = path_has(&paths[k], paths[0].names[i]);
		if (everywhere)
			out->names[got++] = paths[0].names[i];
	}
}

/* Said once a run: which frames judge a kernel the tables do not know. */
static void note_unknown_series(const char *kernel, const struct path *paths,
				size_t n)
{
	static bool said;

	if (said)
		return;
	said = true;
	printf("  note: this checker has frame tables for");
	for (size_t i = 0; i < n; i++)
		printf("%s %s", i ? (i + 1 == n ? " and" : ",") : "",
		       paths[i].series);
	printf(", not for kernel %s: its call-trace tests look only for the\n"
	       "        frames all of those share.\n",
	       kernel ? kernel : "(unknown)");
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
	if (!expect_step_slice(j, from, to, &s))
		return false;
	*n = klog_call_traces(&s, t);
	if (*n < 0)
		*n = 0;
	return true;
}

/*
 * How many of the path's frames t holds in order (innermost first, not
 * necessarily adjacent); found[k] says which.
 */
static size_t path_matched(const struct ktrace *t, const struct path *p,
			   bool *found)
{
	size_t n = path_len(p), k = 0, got = 0;

	for (size_t i = 0; i < n; i++)
		found[i] = false;
	for (size_t i = 0; i < t->n && k < n; i++) {
		for (size_t m = k; m < n; m++) {
			if (strcmp(t->frames[i], p->names[m]))
				continue;
			found[m] = true;
			got++;
			k = m + 1;
			break;
		}
	}
	return got;
}

/* The trace of t[0..n) that holds the most of the path. */
static int closest_trace(const struct ktrace *t, int n, const struct path *p)
{
	bool found[16];
	size_t best = 0;
	int at = 0;

	for (int i = 0; i < n; i++) {
		size_t got = path_matched(&t[i], p, found);

		if (got > best) {
			best = got;
			at = i;
		}
	}
	return at;
}

/*
 * The expected path, each frame marked as the closest trace has it:
 * "path: a (found) < b (MISSING) < c (found)", then the trace itself.
 */
static void path_checklist(const struct ktrace *t, const struct path *p,
			   char *buf, size_t size)
{
	bool found[16];
	size_t len = 0, n = path_len(p);
	char frames[300];

	path_matched(t, p, found);
	len += snprintf(buf, size, "expected frames, innermost first: ");
	for (size_t i = 0; i < n && len + 1 < size; i++)
		len += snprintf(buf + len, size - len, "%s%s (%s)",
				i ? " < " : "", p->names[i],
				found[i] ? "found" : "MISSING");
	frames_text(t, frames, sizeof(frames));
	if (len + 1 < size)
		snprintf(buf + len, size - len, "; the closest trace: %s",
			 t->n ? frames : "(none)");
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
	struct path shared;
	char seen[420];
	char checklist[900];
	struct ktrace *t;
	int n, hit = -1;

	if (!p) {
		note_unknown_series(j->kernel, paths, npaths);
		shared_path(paths, npaths, &shared);
		p = &shared;
	}
	if (!traces_between(j, from, to, &t, &n))
		return;
	for (int i = 0; i < n && hit < 0; i++)
		if (ktrace_has_sequence(&t[i], p->names, path_len(p)))
			hit = i;
	frames_text(n ? &t[hit >= 0 ? hit : 0] : &(struct ktrace){ 0 }, seen,
		    sizeof(seen));
	/* The frames say it all: the raw dump's tail would not. */
	j->quiet_dmesg = true;
	expect_that(j, n > 0 && (want == 0 || n == want), expected,
		    "%d call trace%s between \"step: %s\" and \"step: %s\"",
		    n, n == 1 ? "" : "s", from, to);
	if (hit < 0 && n > 0)
		path_checklist(&t[closest_trace(t, n, p)], p, checklist,
			       sizeof(checklist));
	expect_that(j, hit >= 0, expected, "%s", hit < 0 && n > 0 ?
		    checklist : seen);
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

/* --- the judges --- */

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

static void judge_flush(struct judge *j)
{
	long before = -1, after = -1;
	const struct req_flags *f;
	struct kslice s;

	fact_number(j, "before", &before);
	fact_number(j, "after", &after);
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
	f = expect_req_flags(j);
	if (!f || !expect_step_slice(j, "fsync", "fsynced", &s))
		return;
	judge_hint(j, "TODO 2: with the cache declared before add_disk(), the block layer passes flushes on");
	expect_that(j, flush_line_in(f, &s),
		    "dd conv=fsync sends the driver a flush: a trace line WRITE ... bytes=0 with REQ_PREFLUSH in flags",
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
	long after = -1;

	fact_number(j, "after", &after);
	expect_ok(j);
	judge_hint(j, "TODO 2: declare the write cache only when write_cache is set");
	expect_fact(j, "wc", "write through",
		    "with write_cache=0, /sys/block/mybrd/queue/write_cache says \"write through\"");
	judge_hint(j, "TODO 4: /sys/kernel/debug/mybrd/flushes, from mybrd_flushes_get()");
	expect_that(j, after >= 0,
		    "a file /sys/kernel/debug/mybrd/flushes", "none");
	judge_hint(j, NULL);
	expect_fact(j, "after", "0",
		    "without a write cache, dd conv=fsync sends no flush: flushes stays 0");
	expect_no_flush(j, "fsync", "fsynced",
			"no empty REQ_PREFLUSH write reaches the driver");
}

/*
 * The book's "flush" at close writes the page cache back; the block
 * layer's flush (REQ_PREFLUSH) empties a write cache. Only fsync asks for
 * the second.
 */
static void judge_flush_only_on_fsync(struct judge *j)
{
	expect_ok(j);
	judge_hint(j, "TODO 4: /sys/kernel/debug/mybrd/flushes, from mybrd_flushes_get(); TODO 3 counts");
	expect_number(j, "after_write", 0,
		      "with write_cache=1, a buffered write to the held device sends no flush: flushes 0");
	judge_hint(j, NULL);
	expect_reached(j, "sync", "synced", "WRITE", 24,
		       "sync writes the dirty block 3 back (WRITE at sector 24)");
	expect_number(j, "after_sync", 0,
		      "sync writes the data but sends no flush: flushes still 0");
	expect_reached(j, "close", "closed", "WRITE", 32,
		       "the last close writes block 4 back (WRITE at sector 32)");
	expect_number(j, "after_close", 0,
		      "the last close writes the data but sends no flush: flushes still 0");
	judge_hint(j, "TODO 3: count every bio with REQ_PREFLUSH; TODO 2 declares the cache");
	expect_number_in(j, "after_fsync", 1, 1000000,
			 "dd conv=fsync sends the flush: flushes at least 1");
	judge_hint(j, NULL);
}

/* Writes in the slice: data ones, ones from system call nr, flushes. */
struct writes_seen {
	int data, in_nr, preflush;
};

static struct writes_seen writes_in(const struct kslice *s, int nr,
				     unsigned long preflush)
{
	struct writes_seen w = { 0 };
	struct bio_line b;

	for (size_t i = s->first; i < s->end; i++) {
		if (!parse_bio_line(s->log->lines[i], &b) ||
		    strcmp(b.op, "WRITE"))
			continue;
		w.data += b.bytes > 0;
		w.in_nr += b.bytes > 0 && b.syscall == nr;
		w.preflush += !!(b.flags & preflush);
	}
	return w;
}

/* One of the call traces between the markers has the frame name. */
static bool some_trace_has(struct judge *j, const char *from, const char *to,
			   const char *name)
{
	struct ktrace *t;
	bool found = false;
	int n;

	if (!traces_between(j, from, to, &t, &n))
		return false;
	for (int i = 0; i < n && !found; i++)
		found = trace_has_frame(&t[i], name);
	ktraces_free(t, n);
	return found;
}

static void judge_ext4(struct judge *j)
{
	const struct req_flags *f;
	unsigned long preflush = 0;
	struct writes_seen w;
	struct kslice s;

	expect_ok(j);
	f = expect_req_flags(j);
	if (!f || !req_flag_mask(f, "PREFLUSH", &preflush))
		return;
	expect_fact(j, "kmods", "ok", "the ext4 module loads (harness)");
	expect_fact(j, "mkfs", "ok", "mkfs.ext4 /dev/mybrd succeeds");
	expect_fact(j, "mount", "ok", "mount -t ext4 /dev/mybrd succeeds");
	if (!expect_step_slice(j, "close", "closed", &s))
		return;
	w = writes_in(&s, 3, preflush);
	expect_that(j, w.in_nr == 0,
		    "a file written and closed on ext4 sends nothing in close(2): the mount holds /dev/mybrd open, so the file's close is not the device's last",
		    "%d data write%s with syscall=3", w.in_nr,
		    w.in_nr == 1 ? "" : "s");
	if (!expect_step_slice(j, "fsync", "fsynced", &s))
		return;
	w = writes_in(&s, 74, preflush);
	expect_that(j, w.in_nr > 0,
		    "dd conv=fsync on the file writes its data inside fsync(2): syscall=74",
		    "%s", io_in(&s, "WRITE", 0).text);
	expect_that(j, w.preflush > 0,
		    "ext4's fsync makes it durable: a write with REQ_PREFLUSH",
		    "%s", io_in(&s, "WRITE", 0).text);
	expect_that(j, some_trace_has(j, "fsync", "fsynced", "ext4_sync_file"),
		    "stack=1: a call trace of the fsync holds ext4_sync_file (ext4_file_operations.fsync)",
		    "no trace with ext4_sync_file between \"step: fsync\" and \"step: fsynced\"");
	expect_fact(j, "umount_rc", "0", "umount succeeds");
	if (expect_step_slice(j, "umount", "umounted", &s))
		expect_that(j, writes_in(&s, -2, preflush).data > 0,
			    "umount writes what is left (the superblock, the journal)",
			    "%s", io_in(&s, "WRITE", 0).text);
}

/* A line starting with prefix in the slice. */
static void judge_drop_stack(struct judge *j)
{
	struct kslice s;

	expect_ok(j);
	expect_that(j, step_slice(j, "drop", "dropped", &s) &&
		    klog_find_line(&s, s.first, "mybrd: evict nrpages=") < s.end,
		    "with trace_evict=1, a line \"mybrd: evict nrpages=N\" at drop_caches",
		    "none between \"step: drop\" and \"step: dropped\"");
	expect_path(j, "drop", "dropped", PATHS(drop_paths), 1, NULL,
		    "one call trace at drop_caches, for mybrd's page cache only: drop_caches_sysctl_handler > ... > invalidate_mapping_pages");
	judge_hint(j, "lab 05: drop_caches evicts clean pages only");
	expect_no_io(j, "drop", "dropped", "WRITE",
		     "drop_caches writes nothing: the dirty block 100 is skipped");
	expect_reached(j, "sync", "synced", "WRITE", 800,
		       "sync writes the dirty page drop_caches skipped (WRITE at sector 800)");
	expect_data(j, "sum", "after drop_caches and sync");
}

/* --- system calls --- */

static void judge_syscall_entry(struct judge *j)
{
	const char *sym = fact_of(j, "entry_symbol");
	const char *ksym = fact_of(j, "kallsyms_symbol");

	expect_ok(j);
	if (!expect_that(j, sym && *sym,
			 "at load, a line \"mybrd: syscall entry SYMBOL at 0xADDRESS\"",
			 "no such line"))
		return;
	expect_that(j, ksym && !strcmp(sym, ksym),
		    "the symbol logged is the one /proc/kallsyms lists at the address read from MSR_LSTAR",
		    "logged %s at 0x%s; /proc/kallsyms has %s there", sym,
		    fact_of(j, "entry_address") ? fact_of(j, "entry_address") : "?",
		    ksym && *ksym ? ksym : "nothing");
	expect_fact(j, "entry_symbol", "entry_SYSCALL_64",
		    "MSR_LSTAR points at entry_SYSCALL_64, where every system call enters");
}

/*
 * Every data write between the markers came in through one of the n
 * system calls in want (-1: none, a kernel thread): "syscall=3 syscall=3".
 */
static void expect_syscalls(struct judge *j, const char *from, const char *to,
			    const int *want, size_t n, const char *expected)
{
	char seen[200] = "";
	size_t len = 0;
	bool all = true;
	int writes = 0;
	struct bio_line b;
	struct kslice s;

	if (!expect_step_slice(j, from, to, &s))
		return;
	for (size_t i = s.first; i < s.end; i++) {
		bool ok = false;

		if (!parse_bio_line(s.log->lines[i], &b) ||
		    strcmp(b.op, "WRITE") || !b.bytes)
			continue;
		writes++;
		for (size_t k = 0; k < n; k++)
			ok |= b.syscall == want[k];
		all &= ok;
		if (len + 1 < sizeof(seen)) {
			if (b.syscall == BIO_NO_SYSCALL)
				len += snprintf(seen + len, sizeof(seen) - len,
						"%sno syscall= field", len ? ", " : "");
			else
				len += snprintf(seen + len, sizeof(seen) - len,
						"%ssyscall=%d", len ? ", " : "",
						b.syscall);
		}
	}
	expect_that(j, writes > 0 && all, expected,
		    "between \"step: %s\" and \"step: %s\": %s", from, to,
		    writes ? seen : "no data write");
}

/*
 * The background write-back's lines: some data write has REQ_BACKGROUND,
 * every data write comes from a kernel thread (-1) without REQ_SYNC.
 */
static void expect_background(struct judge *j, const struct req_flags *f)
{
	unsigned long bg = 0, sync = 0;
	int writes = 0, background = 0, wrong = 0;
	struct bio_line b;
	struct kslice s;

	if (!req_flag_mask(f, "BACKGROUND", &bg) ||
	    !req_flag_mask(f, "SYNC", &sync) ||
	    !expect_step_slice(j, "background", "backgrounded", &s))
		return;
	for (size_t i = s.first; i < s.end; i++) {
		if (!parse_bio_line(s.log->lines[i], &b) ||
		    strcmp(b.op, "WRITE") || !b.bytes)
			continue;
		writes++;
		background += !!(b.flags & bg);
		wrong += b.syscall != -1 || (b.flags & sync);
	}
	expect_that(j, background > 0 && wrong == 0,
		    "over dirty_background_bytes, the flusher writes in the background: REQ_BACKGROUND, no REQ_SYNC, syscall=-1",
		    "%d data writes, %d with REQ_BACKGROUND, %d from a system call or with REQ_SYNC: %s",
		    writes, background, wrong, io_in(&s, "WRITE", 0).text);
}

static void judge_syscall_numbers(struct judge *j)
{
	static const int close_nr[] = { 3 }, fsync_nr[] = { 74 },
			 write_nr[] = { 1 }, sync_nr[] = { 162, -1 },
			 kthread[] = { -1 };
	const struct req_flags *f;

	expect_ok(j);
	expect_syscalls(j, "close", "closed", close_nr, 1,
			"a buffered dd write reaches the driver in close(2): syscall=3");
	expect_syscalls(j, "fsync", "fsynced", fsync_nr, 1,
			"dd conv=fsync: the write comes in fsync(2): syscall=74");
	expect_syscalls(j, "write", "written", write_nr, 1,
			"an O_DIRECT write comes in write(2) itself: syscall=1");
	expect_syscalls(j, "sync", "synced", sync_nr, 2,
			"sync's writes come in sync(2) (162) or from the flusher it wakes (-1)");
	expect_fact(j, "flusher_wrote", "yes",
		    "the flusher writes the dirty block back within 10 s once pages expire at once");
	expect_syscalls(j, "flusher", "flushed", kthread, 1,
			"the flusher's write-back runs in a kernel thread, in no system call: syscall=-1");
	f = expect_req_flags(j);
	if (!f)
		return;
	/* writeback_control says why: sync_mode WB_SYNC_ALL is REQ_SYNC. */
	expect_flags(j, "close", "closed", "WRITE", 24, "+SYNC",
		     "the last close waits for its write-back (WB_SYNC_ALL): REQ_SYNC");
	expect_flags(j, "fsync", "fsynced", "WRITE", 32, "+SYNC",
		     "fsync waits for its write-back (WB_SYNC_ALL): REQ_SYNC");
	expect_flags(j, "flusher", "flushed", "WRITE", 56, "-SYNC -BACKGROUND",
		     "the periodic write-back (for_kupdate) waits for nothing: neither REQ_SYNC nor REQ_BACKGROUND");
	expect_fact(j, "background_wrote", "yes",
		    "over dirty_background_bytes the flusher starts writing within 10 s");
	expect_background(j, f);
}

static void judge_read_stack(struct judge *j)
{
	expect_ok(j);
	expect_path(j, "read", "done", PATHS(read_paths), 0, "vfs_write",
		    "stack_reads=1: a read that misses the page cache shows read(2) through readahead to the driver");
	expect_no_trace(j, "again", "again_done",
			"the same read again is a page-cache hit: no bio, no call trace");
}

/* A kprobe left registered after rmmod runs freed code: an oops. */
static void judge_unload_removes_the_probe(struct judge *j)
{
	expect_ok(j);
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_fact(j, "dropped", "ok",
		    "echo 1 > /proc/sys/vm/drop_caches works after rmmod");
}

static const struct lab_test tests[] = {
	{
		.name = "syscall_entry",
		.behaviour = "at load the driver logs the symbol MSR_LSTAR points at: entry_SYSCALL_64",
		.judge = judge_syscall_entry,
		.hint = "TODO 7: rdmsrl(MSR_LSTAR, lstar), then pr_info(\"syscall entry %ps at 0x%llx\\n\", (void *)lstar, lstar)",
		.skeleton_fails = true,
	},
	{
		.name = "syscall_numbers",
		.behaviour = "trace=1: each write's line names its system call (close 3, fsync 74, write 1, sync 162 or -1, the flusher -1) and its flags why (SYNC, BACKGROUND)",
		.judge = judge_syscall_numbers,
		.hint = "TODO 8: -1 for a kernel thread (PF_KTHREAD), else syscall_get_nr(current, task_pt_regs(current))",
		.skeleton_fails = true,
	},
	{
		.name = "close_writes_in_close",
		.behaviour = "a buffered dd write reaches the driver inside close(2): stack=1 shows the path",
		.judge = judge_close,
		.hint = "TODO 1: dump_stack() for bios that write data, when stack is set",
		.skeleton_fails = true,
	},
	{
		.name = "fsync_writes_in_fsync",
		.behaviour = "dd conv=fsync: the write reaches the driver inside fsync(2)",
		.judge = judge_fsync_stack,
		.hint = "TODO 1: dump_stack() for bios that write data, when stack is set",
		.skeleton_fails = true,
	},
	{
		.name = "direct_write_in_write",
		.behaviour = "stack=0 prints no stack; with stack=1 an O_DIRECT write shows write(2)",
		.judge = judge_direct_stack,
		.hint = "TODO 1: dump_stack() only while stack is set, for every bio that writes data",
		.skeleton_fails = true,
	},
	{
		.name = "write_cache_brings_flush",
		.behaviour = "write_cache=1: fsync sends the driver a flush, counted in debugfs flushes",
		.judge = judge_flush,
		.hint = "TODO 3: count bios with REQ_PREFLUSH in dev->flushes; TODO 2 declares the cache",
		.skeleton_fails = true,
	},
	{
		.name = "flush_only_on_fsync",
		.behaviour = "write_cache=1: sync and the last close write the data but send no flush; fsync does",
		.judge = judge_flush_only_on_fsync,
		.hint = "TODO 3: count bios with REQ_PREFLUSH in dev->flushes; TODO 4 shows them",
		.skeleton_fails = true,
	},
	{
		.name = "ext4_close_and_fsync",
		.behaviour = "ext4 on mybrd: a file's close writes nothing, its fsync writes data and a flush through ext4_sync_file, umount the rest",
		.judge = judge_ext4,
		.hint = "TODO 8 names the system call; TODO 1 dumps the stack; TODO 2 declares the cache",
		.skeleton_fails = true,
	},
	{
		.name = "read_stack",
		.behaviour = "stack_reads=1: a read that misses the cache shows its path from read(2); a hit shows none",
		.judge = judge_read_stack,
		.hint = "TODO 9: dump_stack() for bios that read data, when stack_reads is set",
		.skeleton_fails = true,
	},
	{
		.name = "no_write_cache_no_flush",
		.behaviour = "write_cache=0: fsync sends no flush, debugfs flushes stays 0",
		.judge = judge_no_flush,
		.hint = "TODO 2: declare the write cache only when write_cache is set",
		.skeleton_fails = true,
	},
	{
		.name = "drop_caches_stack",
		.behaviour = "trace_evict=1: drop_caches shows its path to mybrd's page cache, skips the dirty page",
		.judge = judge_drop_stack,
		.hint = "TODOs 5 and 6: a kprobe on invalidate_mapping_pages whose handler dump_stack()s for mybrd_bdev_mapping(disk->part0) only",
		.skeleton_fails = true,
	},
	/*
	 * Lab 05's behaviour, kept. The skeleton has it already (lab 05
	 * solved), so it passes; a driver whose new code broke the trace or
	 * the bio (e.g. counting flushes by ending the bio) fails it.
	 */
	TEST_TRACE_LINE_FORMAT("lab 05's mybrd_trace_bio(): one line per bio, before the bio is ended",
			       false),
	TEST_DROP_CACHES_KEEPS_DIRTY_PAGES("lab 05's mybrd_trace_bio(); drop_caches only evicts clean pages, it never writes",
					   false),
	TEST_CORE_REGISTRATION("lab 05's registration is given code: mybrd_check_size() before anything is registered, set_capacity() in sectors, everything undone at rmmod (and TODO 6: the kprobe too)", false),
	TEST_CORE_DATA("lab 05's data path is given code: TODOs 1 and 3 must only read the bio, never advance or change it, and end it as before", false),
	TEST_DEFAULTS_ARE_OFF("trace stack stack_reads write_cache trace_evict", "every switch is off unless insmod sets it: TODO 1 dumps the stack only if (stack), TODO 9 only if (stack_reads), TODO 6 registers the kprobe only if (trace_evict)", false),
	{
		.name = "unload_removes_the_probe",
		.behaviour = "after rmmod of a trace_evict=1 module, drop_caches runs with no probe left behind",
		.judge = judge_unload_removes_the_probe,
		.hint = "TODO 6: mybrd_unprobe_evictions() must unregister_kprobe() before the module's code and the probe are freed",
	},
};

static const struct lab lab06 = {
	.id = "lab06-syscall-flush",
	.title = "system calls, flushes and drop_caches, seen from the driver",
	LAB_TESTS(tests),
	.guest_programs = (const char *const[]){ "/usr/sbin/mkfs.ext4", NULL },
	.kernel_modules = (const char *const[]){
		"crc32c_generic?", "ext4", NULL },
	.symptoms = &symptom_hints_given,
};

int main(int argc, char **argv)
{
	return lab_main(&lab06, argc, argv);
}
