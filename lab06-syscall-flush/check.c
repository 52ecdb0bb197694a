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
	char seen[420];
	char checklist[900];
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
	TEST_DEFAULTS_ARE_OFF("trace stack write_cache trace_evict", "every switch is off unless insmod sets it: TODO 1 dumps the stack only if (stack), TODO 6 registers the kprobe only if (trace_evict)", false),
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
	.symptoms = &symptom_hints_given,
};

int main(int argc, char **argv)
{
	return lab_main(&lab06, argc, argv);
}
