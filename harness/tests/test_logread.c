// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests for logread.c against console logs recorded from Debian's
 * 6.1 kernel under QEMU (see logs/README), plus small hand-made inputs for
 * edge cases the recordings do not show; and for kmsg.c (/dev/kmsg's
 * records merged with the console) and flood.c (a test flooding the log),
 * on hand-made input in the formats that kernel writes.
 *
 * usage: test_logread [LOGS_DIR]   (default harness/tests/logs)
 */
#include "flood.h"
#include "kmsg.h"
#include "logread.h"
#include "unit.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *logs_dir = "harness/tests/logs";

/* CUnit tests take no arguments, so each test loads its own log. */
static bool load(const char *name, struct klog *log)
{
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s", logs_dir, name);
	err = klog_load(log, path);
	if (err)
		fprintf(stderr, "\ncannot load %s: %s\n", path, strerror(-err));
	return err == 0;
}

static bool parse(const char *text, struct klog *log)
{
	return klog_parse(log, text, strlen(text)) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Index of the first line starting with prefix, or log->n. */
static size_t line_of(const struct klog *log, const char *prefix)
{
	for (size_t i = 0; i < log->n; i++)
		if (starts_with(log->lines[i], prefix))
			return i;
	return log->n;
}

static bool has_frame(const struct ktrace *t, const char *name)
{
	const char *names[] = { name };

	return ktrace_has_sequence(t, names, 1);
}

/* The problem of a whole log and of one test's slice, and where. */
static void check_problem(const char *file, int index, enum kproblem want,
			  const char *headline)
{
	struct klog log;
	struct kslice all, s;
	size_t line = 0;

	CU_ASSERT_FATAL(load(file, &log));
	all = klog_all(&log);
	CU_ASSERT_EQUAL(klog_find_problem(&all, &line), want);
	CU_ASSERT_FATAL(line < log.n);
	CU_ASSERT_EQUAL(line, line_of(&log, headline));
	CU_ASSERT_FATAL(klog_test_slice(&log, index, &s));
	line = 0;
	CU_ASSERT_EQUAL(klog_find_problem(&s, &line), want);
	CU_ASSERT_EQUAL(line, line_of(&log, headline));
	CU_ASSERT(line >= s.first && line < s.end);
	klog_free(&log);
}

/* The first call trace of test <index> in a log; *log must be freed. */
static int first_trace(const char *file, int index, struct klog *log,
		       struct ktrace **t)
{
	struct kslice s;

	*t = NULL;
	if (!load(file, log))
		return -1;
	if (!klog_test_slice(log, index, &s)) {
		klog_free(log);
		return -1;
	}
	return klog_call_traces(&s, t);
}

/* ---- clean.log: tests 12 then 1, a dump_stack(), no problem ---- */

static void test_clean_lines(void)
{
	struct klog log;

	CU_ASSERT_FATAL(load("clean.log", &log));
	CU_ASSERT_FATAL(log.n > 10);
	/* SeaBIOS escapes stripped, BIOS text split from the first stamp. */
	CU_ASSERT_STRING_EQUAL(log.lines[0],
			       "SeaBIOS (version 1.16.2-debian-1.16.2-1)");
	CU_ASSERT_STRING_EQUAL(log.lines[1], "Booting from ROM..");
	CU_ASSERT_STRING_EQUAL(log.lines[2], "mybrd-check: begin 12 load");
	for (size_t i = 0; i < log.n; i++) {
		CU_ASSERT_PTR_NULL(strchr(log.lines[i], '\r'));
		CU_ASSERT_PTR_NULL(strchr(log.lines[i], '\x1b'));
		CU_ASSERT_FALSE(log.lines[i][0] == '[' &&
				strchr(" 0123456789", log.lines[i][1]));
	}
	/* Frame lines keep their leading blank; the stamp's own is gone. */
	CU_ASSERT_FATAL(line_of(&log, "Call Trace:") + 1 < log.n);
	CU_ASSERT_STRING_EQUAL(log.lines[line_of(&log, "Call Trace:") + 1],
			       " <TASK>");
	CU_ASSERT_STRING_EQUAL(log.lines[log.n - 1], "reboot: Power down");
	klog_free(&log);
}

static void test_clean_slices(void)
{
	struct klog log;
	struct kslice s1, s12;
	int rc = -1;

	CU_ASSERT_FATAL(load("clean.log", &log));
	/* "begin 12" comes first in the log and must not match test 1. */
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s1));
	CU_ASSERT_FATAL(klog_test_slice(&log, 12, &s12));
	CU_ASSERT_FATAL(s1.end < log.n && s12.end < log.n);
	CU_ASSERT_PTR_EQUAL(s1.log, &log);
	CU_ASSERT_STRING_EQUAL(log.lines[s1.first - 1],
			       "mybrd-check: begin 1 unload");
	CU_ASSERT_STRING_EQUAL(log.lines[s1.end],
			       "mybrd-check: end 1 unload rc=0");
	CU_ASSERT_STRING_EQUAL(log.lines[s1.first],
			       "mybrd: WARNING: this is only a pr_warn, not a WARN_ON");
	CU_ASSERT_EQUAL(s1.end - s1.first, 3);
	CU_ASSERT_STRING_EQUAL(log.lines[s12.first - 1],
			       "mybrd-check: begin 12 load");
	CU_ASSERT_STRING_EQUAL(log.lines[s12.end],
			       "mybrd-check: end 12 load rc=0");
	CU_ASSERT(s12.end < s1.first);
	CU_ASSERT_TRUE(klog_test_ended(&log, 1, &rc));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_TRUE(klog_test_ended(&log, 12, &rc));
	CU_ASSERT_FALSE(klog_test_slice(&log, 2, &s1));
	CU_ASSERT_FALSE(klog_test_ended(&log, 2, &rc));
	klog_free(&log);
}

static void test_clean_no_problem(void)
{
	struct klog log;
	struct kslice all, s;
	size_t line = 0;

	CU_ASSERT_FATAL(load("clean.log", &log));
	all = klog_all(&log);
	CU_ASSERT_EQUAL(all.first, 0);
	CU_ASSERT_EQUAL(all.end, log.n);
	CU_ASSERT_EQUAL(klog_find_problem(&all, &line), KP_NONE);
	CU_ASSERT_FATAL(klog_test_slice(&log, 12, &s));
	CU_ASSERT_EQUAL(klog_find_problem(&s, NULL), KP_NONE);
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s));
	CU_ASSERT_EQUAL(klog_find_problem(&s, NULL), KP_NONE);
	klog_free(&log);
}

static void test_clean_trace(void)
{
	static const char *const path[] = {
		"dump_stack_lvl", "mybrd_submit_bio", "mod_clean_init",
		"do_one_initcall", "entry_SYSCALL_64_after_hwframe"
	};
	static const char *const backwards[] = {
		"do_one_initcall", "mybrd_submit_bio"
	};
	static const char *const unknown[] = { "mybrd_submit_bio", "no_such" };
	struct klog log;
	struct ktrace *t;
	struct kslice s;
	int n = first_trace("clean.log", 12, &log, &t);

	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(t[0].n, 8);
	CU_ASSERT_STRING_EQUAL(t[0].frames[0], "dump_stack_lvl");
	CU_ASSERT_STRING_EQUAL(t[0].frames[1], "mybrd_submit_bio");
	CU_ASSERT_STRING_EQUAL(t[0].frames[t[0].n - 1],
			       "entry_SYSCALL_64_after_hwframe");
	/* "? 0xffffffffc0206000" and "? exit_to_user_mode_prepare" dropped */
	for (size_t i = 0; i < t[0].n; i++) {
		CU_ASSERT(t[0].frames[i][0] != '?' && t[0].frames[i][0] != '0');
		CU_ASSERT_PTR_NULL(strchr(t[0].frames[i], '+'));
		CU_ASSERT_PTR_NULL(strchr(t[0].frames[i], ' '));
	}
	CU_ASSERT_FALSE(has_frame(&t[0], "exit_to_user_mode_prepare"));
	CU_ASSERT_TRUE(ktrace_has_sequence(&t[0], path, 5));
	CU_ASSERT_TRUE(ktrace_has_sequence(&t[0], path, 0));
	CU_ASSERT_FALSE(ktrace_has_sequence(&t[0], backwards, 2));
	CU_ASSERT_FALSE(ktrace_has_sequence(&t[0], unknown, 2));
	ktraces_free(t, n);
	/* The unload test has no trace of its own. */
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s));
	CU_ASSERT_EQUAL(klog_call_traces(&s, &t), 0);
	ktraces_free(t, 0);
	klog_free(&log);
}

/* ---- oops.log: NULL dereference under oops=panic ---- */

static void test_oops_problem(void)
{
	struct klog log;
	struct kslice s;

	/* Reported as the oops, although a "Fatal exception" panic follows. */
	check_problem("oops.log", 1, KP_OOPS,
		      "BUG: kernel NULL pointer dereference, address: ");
	CU_ASSERT_FATAL(load("oops.log", &log));
	CU_ASSERT(line_of(&log, "Kernel panic - not syncing: Fatal exception")
		  < log.n);
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s));
	CU_ASSERT_EQUAL(s.end, log.n);
	CU_ASSERT_FALSE(klog_test_ended(&log, 1, NULL));
	klog_free(&log);
}

static void test_oops_trace(void)
{
	struct klog log;
	struct ktrace *t;
	int n = first_trace("oops.log", 1, &log, &t);

	/* One "Call Trace:"; the register dump after "end trace" is none. */
	CU_ASSERT_EQUAL_FATAL(n, 1);
	/* The faulting function is only in "RIP: 0010:mybrd_alloc+0x5/..." */
	CU_ASSERT_STRING_EQUAL(t[0].frames[0], "mybrd_alloc");
	CU_ASSERT_STRING_EQUAL(t[0].frames[1], "do_one_initcall");
	CU_ASSERT_STRING_EQUAL(t[0].frames[t[0].n - 1],
			       "entry_SYSCALL_64_after_hwframe");
	CU_ASSERT_FALSE(has_frame(&t[0], "page_add_file_rmap"));
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- panic.log: panic("mybrd test panic") in init ---- */

static void test_panic_problem(void)
{
	check_problem("panic.log", 1, KP_PANIC,
		      "Kernel panic - not syncing: mybrd test panic");
}

static void test_panic_trace(void)
{
	static const char *const path[] = {
		"dump_stack_lvl", "panic", "mod_panic_init", "do_one_initcall"
	};
	struct klog log;
	struct ktrace *t;
	int n = first_trace("panic.log", 1, &log, &t);

	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_TRUE(ktrace_has_sequence(&t[0], path, 4));
	CU_ASSERT_STRING_EQUAL(t[0].frames[2], "mod_panic_init");
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- warning.log: WARN_ON(1) in init, test ends normally ---- */

static void test_warning_problem(void)
{
	struct klog log;
	struct kslice s;
	size_t line;
	int rc = -1;

	check_problem("warning.log", 1, KP_WARNING, "WARNING: CPU: 1 PID: ");
	CU_ASSERT_FATAL(load("warning.log", &log));
	line = line_of(&log, "WARNING: CPU: ");
	CU_ASSERT_FATAL(line > 0 && line < log.n);
	CU_ASSERT_STRING_EQUAL(log.lines[line - 1],
			       "------------[ cut here ]------------");
	CU_ASSERT_TRUE(klog_test_ended(&log, 1, &rc));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_FATAL(klog_test_slice(&log, 2, &s));
	CU_ASSERT_EQUAL(s.first, s.end);
	CU_ASSERT_EQUAL(klog_find_problem(&s, &line), KP_NONE);
	klog_free(&log);
}

static void test_warning_trace(void)
{
	struct klog log;
	struct ktrace *t;
	int n = first_trace("warning.log", 1, &log, &t);

	CU_ASSERT_EQUAL_FATAL(n, 1);
	/* From "RIP: 0010:mybrd_check.constprop.0+0x5/0xffb [mod_warn]" */
	CU_ASSERT_STRING_EQUAL(t[0].frames[0], "mybrd_check");
	CU_ASSERT_STRING_EQUAL(t[0].frames[1], "mod_warn_init");
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- hang.log: init sleeps forever, QEMU killed by timeout ---- */

static void test_hang(void)
{
	struct klog log;
	struct kslice s;
	int rc = 12345;

	CU_ASSERT_FATAL(load("hang.log", &log));
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s));
	CU_ASSERT_EQUAL_FATAL(s.end, log.n);
	CU_ASSERT_STRING_EQUAL(log.lines[s.end - 1], "mybrd: waiting forever");
	CU_ASSERT_FALSE(klog_test_ended(&log, 1, &rc));
	CU_ASSERT_EQUAL(rc, 12345);
	CU_ASSERT_EQUAL(klog_find_problem(&s, NULL), KP_NONE);
	klog_free(&log);
}

/* ---- bug.log: BUG() in init, oops=panic ---- */

static void test_bug(void)
{
	/* Not the "invalid opcode" oops header nor the "Fatal exception". */
	check_problem("bug.log", 1, KP_BUG, "kernel BUG at ");
}

/* ---- atomic.log: msleep() with preemption off, then a WARNING ---- */

static void test_atomic(void)
{
	struct klog log;
	struct ktrace *t;
	int n;

	check_problem("atomic.log", 1, KP_BUG, "BUG: scheduling while atomic: ");
	n = first_trace("atomic.log", 1, &log, &t);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	/* "__schedule_bug.cold+0x42/0x4e" */
	CU_ASSERT_STRING_EQUAL(t[0].frames[1], "__schedule_bug");
	CU_ASSERT_TRUE(has_frame(&t[0], "mybrd_sleep_atomic"));
	CU_ASSERT_STRING_EQUAL(t[1].frames[0], "do_one_initcall");
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- hungtask.log: wait_for_completion() forever, 3 s hung task timeout */

static void test_hungtask(void)
{
	static const char *const path[] = {
		"schedule", "__wait_for_common", "mod_hungtask_init"
	};
	struct klog log;
	struct ktrace *t;
	int n;

	check_problem("hungtask.log", 1, KP_HUNG_TASK,
		      "INFO: task insmod:");
	n = first_trace("hungtask.log", 1, &log, &t);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_TRUE(ktrace_has_sequence(&t[0], path, 3));
	CU_ASSERT_FALSE(klog_test_ended(&log, 1, NULL));
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- softlockup.log / rcustall.log: mdelay() with preemption off ---- */

static void test_softlockup(void)
{
	struct klog log;
	struct ktrace *t;
	int n;

	check_problem("softlockup.log", 1, KP_SOFT_LOCKUP,
		      "watchdog: BUG: soft lockup - CPU#");
	n = first_trace("softlockup.log", 1, &log, &t);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(t[0].frames[0], "delay_tsc");
	CU_ASSERT_STRING_EQUAL(t[0].frames[1], "mybrd_spin");
	CU_ASSERT_TRUE(klog_test_ended(&log, 1, NULL));
	ktraces_free(t, n);
	klog_free(&log);
}

static void test_rcustall(void)
{
	check_problem("rcustall.log", 1, KP_SOFT_LOCKUP,
		      "rcu: INFO: rcu_preempt self-detected stall on CPU");
}

/* ---- trace-v4.4.log: a 4.4 kernel's trace with addresses ---- */

static void test_trace_v44(void)
{
	static const char *const want[] = {
		"dump_stack", "mybrd_make_request_fn", "generic_make_request",
		"submit_bio", "submit_bh_wbc", "__block_write_full_page",
		"block_write_full_page", "blkdev_writepage", "__writepage",
		"write_cache_pages", "generic_writepages", "do_writepages",
		"__filemap_fdatawrite_range", "filemap_write_and_wait",
		"__blkdev_put", "blkdev_put", "blkdev_close", "__fput",
		"____fput", "task_work_run", "exit_to_usermode_loop",
		"syscall_return_slowpath", "int_ret_from_sys_call"
	};
	const size_t nwant = sizeof(want) / sizeof(want[0]);
	struct klog log;
	struct kslice all;
	struct ktrace *t;
	int n;

	CU_ASSERT_FATAL(load("trace-v4.4.log", &log));
	all = klog_all(&log);
	n = klog_call_traces(&all, &t);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL_FATAL(t[0].n, nwant);
	for (size_t i = 0; i < nwant; i++)
		CU_ASSERT_STRING_EQUAL(t[0].frames[i], want[i]);
	CU_ASSERT_TRUE(ktrace_has_sequence(&t[0], want, nwant));
	CU_ASSERT_FALSE(has_frame(&t[0], "submit_bh_wbc.isra.38"));
	CU_ASSERT_FALSE(has_frame(&t[0], "I_BDEV"));
	CU_ASSERT_EQUAL(klog_find_problem(&all, NULL), KP_NONE);
	ktraces_free(t, n);
	klog_free(&log);
}

/* ---- hand-made inputs ---- */

static void test_parse_line_ends(void)
{
	struct klog log;

	/* CRLF, bare LF, an empty line, a last line cut short. */
	CU_ASSERT_FATAL(parse("[    1.000000] a\r\nplain\n\r\n[    2.0000", &log));
	CU_ASSERT_EQUAL_FATAL(log.n, 4);
	CU_ASSERT_STRING_EQUAL(log.lines[0], "a");
	CU_ASSERT_STRING_EQUAL(log.lines[1], "plain");
	CU_ASSERT_STRING_EQUAL(log.lines[2], "");
	CU_ASSERT_STRING_EQUAL(log.lines[3], "[    2.0000");
	klog_free(&log);
	CU_ASSERT_FATAL(parse("", &log));
	CU_ASSERT_EQUAL(log.n, 0);
	klog_free(&log);
	CU_ASSERT_EQUAL(klog_load(&log, "/nonexistent/console.log"), -ENOENT);
}

static void test_parse_split(void)
{
	struct klog log;

	CU_ASSERT_FATAL(parse("\x1b" "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1)\r\n"
			      "Booting from ROM..[    1.715828] reboot: Power down\r\n"
			      "[12345.000001] v [1.0] and [    1.5] kept\r\n", &log));
	CU_ASSERT_EQUAL_FATAL(log.n, 4);
	CU_ASSERT_STRING_EQUAL(log.lines[0], "SeaBIOS (version 1)");
	CU_ASSERT_STRING_EQUAL(log.lines[1], "Booting from ROM..");
	CU_ASSERT_STRING_EQUAL(log.lines[2], "reboot: Power down");
	/* Only printk's exact "[%5lu.%06lu]" is a stamp. */
	CU_ASSERT_STRING_EQUAL(log.lines[3], "v [1.0] and [    1.5] kept");
	klog_free(&log);
}

static void test_markers(void)
{
	struct klog log;
	struct kslice s;
	int rc = 0;

	CU_ASSERT_FATAL(parse("mybrd-check: begin 12 twelve\n"
			      "in 12\n"
			      "mybrd-check: end 12 twelve rc=3\n"
			      "mybrd-check: begin 1 one\n"
			      "in 1\n"
			      "mybrd-check: end 1 one rc=-22\n"
			      "mybrd-check: end 7 seven rc=0\n"
			      "xmybrd-check: begin 5 five\n", &log));
	CU_ASSERT_FATAL(klog_test_slice(&log, 1, &s));
	CU_ASSERT_EQUAL(s.first, 4);
	CU_ASSERT_EQUAL(s.end, 5);
	CU_ASSERT_TRUE(klog_test_ended(&log, 1, &rc));
	CU_ASSERT_EQUAL(rc, -22);
	CU_ASSERT_TRUE(klog_test_ended(&log, 12, &rc));
	CU_ASSERT_EQUAL(rc, 3);
	/* An end without a begin: no slice, but the test did end. */
	CU_ASSERT_FALSE(klog_test_slice(&log, 7, &s));
	CU_ASSERT_TRUE(klog_test_ended(&log, 7, &rc));
	CU_ASSERT_FALSE(klog_test_slice(&log, 5, &s));
	CU_ASSERT_FALSE(klog_test_slice(&log, 2, &s));
	klog_free(&log);
}

static enum kproblem problem_of(const char *text, size_t *line)
{
	struct klog log;
	struct kslice all;
	enum kproblem p;

	if (!parse(text, &log))
		return (enum kproblem)-1;
	all = klog_all(&log);
	p = klog_find_problem(&all, line);
	klog_free(&log);
	return p;
}

static void test_problem_kinds(void)
{
	size_t line = 99;

	CU_ASSERT_EQUAL(problem_of(
		"mybrd: loading out-of-tree module taints kernel.\n"
		"mybrd: module verification failed: signature and/or required key missing - tainting kernel\n"
		"Buffer I/O error on dev mybrd, logical block 0, async page read\n"
		"mybrd: WARNING: not a WARN_ON\n"
		"------------[ cut here ]------------\n"
		"blk_update_request: I/O error, dev mybrd, sector 0\n", &line),
		KP_NONE);
	CU_ASSERT_EQUAL(line, 6);
	CU_ASSERT_EQUAL(problem_of("BUG: KASAN: slab-out-of-bounds in f+0x1/0x2\n", NULL), KP_KASAN);
	CU_ASSERT_EQUAL(problem_of("BUG: KFENCE: use-after-free read in f+0x1/0x2\n", NULL), KP_KASAN);
	CU_ASSERT_EQUAL(problem_of("UBSAN: array-index-out-of-bounds in a.c:1:2\n", NULL), KP_KASAN);
	CU_ASSERT_EQUAL(problem_of("BUG: sleeping function called from invalid context at a.c:1\n", NULL), KP_BUG);
	CU_ASSERT_EQUAL(problem_of("BUG: unable to handle page fault for address: ffffc90000000000\n", NULL), KP_OOPS);
	CU_ASSERT_EQUAL(problem_of("general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI\n", NULL), KP_OOPS);
	CU_ASSERT_EQUAL(problem_of("divide error: 0000 [#1] PREEMPT SMP NOPTI\n", NULL), KP_OOPS);
	CU_ASSERT_EQUAL(problem_of("rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n", NULL), KP_SOFT_LOCKUP);
	CU_ASSERT_EQUAL(problem_of("INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n", NULL), KP_HUNG_TASK);
	CU_ASSERT_EQUAL(problem_of("WARNING: at drivers/block/mybrd.c:10 f()\n", NULL), KP_WARNING);
	/* A panic that follows no oops in the slice stands for the oops. */
	CU_ASSERT_EQUAL(problem_of("Kernel panic - not syncing: Fatal exception in interrupt\n", NULL), KP_OOPS);
	CU_ASSERT_EQUAL(problem_of("Kernel panic - not syncing: Attempted to kill init!\n", NULL), KP_PANIC);
}

static void test_problem_severity(void)
{
	size_t line = 99;

	CU_ASSERT_EQUAL(problem_of("x\n"
				   "WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n"
				   "BUG: scheduling while atomic: sh/1/0x00000002\n"
				   "INFO: task sh:1 blocked for more than 2 seconds.\n"
				   "BUG: sleeping function called from invalid context at a.c:2\n",
				   &line), KP_BUG);
	CU_ASSERT_EQUAL(line, 2);
}

static void test_trace_edges(void)
{
	static const char *const want[] = {
		"irq_handler", "foo", "bar", "baz", "do_syscall_64"
	};
	struct klog log;
	struct kslice all;
	struct ktrace *t;
	int n;

	CU_ASSERT_FATAL(parse("Call Trace:\n"
			      " <IRQ>  [<ffffffff813f2b5c>] irq_handler+0x63/0x87\n"
			      " </IRQ>\n"
			      "  foo.isra.0.cold+0x1/0x2 [mybrd]\n"
			      "\t? skipped+0x1/0x2\n"
			      " bar.part.0+0x1/0x2\n"
			      " baz+0x10/0x20 [mybrd 0123456789abcdef]\n"
			      " do_syscall_64+0x5d/0xb0\n"
			      "RIP: 0033:0x47fbe9\n"
			      " after_rip+0x1/0x2\n"
			      "Call Trace:\n"
			      " <TASK>\n"
			      " one+0x1/0x2\n"
			      "mybrd: a normal message\n"
			      " two+0x1/0x2\n", &log));
	all = klog_all(&log);
	n = klog_call_traces(&all, &t);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL_FATAL(t[0].n, 5);
	for (size_t i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(t[0].frames[i], want[i]);
	CU_ASSERT_EQUAL_FATAL(t[1].n, 1);
	CU_ASSERT_STRING_EQUAL(t[1].frames[0], "one");
	ktraces_free(t, n);
	klog_free(&log);
}

static void test_problem_names(void)
{
	CU_ASSERT_STRING_EQUAL(kproblem_name(KP_OOPS), "oops");
	CU_ASSERT_STRING_EQUAL(kproblem_name(KP_PANIC), "panic");
	CU_ASSERT_STRING_EQUAL(kproblem_name(KP_WARNING), "WARNING");
	for (int p = KP_NONE; p <= KP_PANIC; p++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(kproblem_name(p));
		for (int q = KP_NONE; q < p; q++)
			CU_ASSERT_STRING_NOT_EQUAL(kproblem_name(p),
						   kproblem_name(q));
	}
}

/* ---- kmsg.c and flood.c ---- */

static bool parse_kmsg(const char *text, struct klog *log)
{
	memset(log, 0, sizeof(*log));
	return klog_parse_kmsg(log, text, strlen(text)) == 0;
}

static void test_kmsg_records(void)
{
	struct klog log;

	CU_ASSERT_FATAL(parse_kmsg("6,1,1500,-;first\n"
			      " SUBSYSTEM=pci\n"
			      " DEVICE=+pci:0000:00:01.0\n"
			      "4,2,2000,-;two\\x0alines \\x5c ok\n"
			      "6,2,2000,-;the same record again\n"
			      "garbage without a header\n"
			      "6,3,2500,-;cut short by the ki", &log));
	CU_ASSERT_EQUAL_FATAL(log.n, 4);
	CU_ASSERT_STRING_EQUAL(log.lines[0], "first");
	CU_ASSERT_EQUAL(log.usec[0], 1500);
	CU_ASSERT_EQUAL(log.seq[0], 1);
	CU_ASSERT_STRING_EQUAL(log.lines[1], "two");
	CU_ASSERT_STRING_EQUAL(log.lines[2], "lines \\ ok");
	CU_ASSERT_EQUAL(log.usec[2], 2000);
	CU_ASSERT_EQUAL(log.seq[2], 2);
	CU_ASSERT_STRING_EQUAL(log.lines[3], "cut short by the ki");
	klog_free(&log);
}

/* Writes text to a new temporary file; its path in path. */
static bool temp_file(const char *text, char *path, size_t size)
{
	int fd;
	bool ok;

	snprintf(path, size, "/tmp/test_kmsg.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

static bool load_boot(const char *kmsg, const char *console, struct klog *log)
{
	char kpath[64], cpath[64];
	bool ok = temp_file(kmsg, kpath, sizeof(kpath)) &&
		  temp_file(console, cpath, sizeof(cpath)) &&
		  klog_load_boot(log, kpath, cpath) == 0;

	unlink(kpath);
	unlink(cpath);
	return ok;
}

/*
 * The console's lines go where the records lack them (a record the
 * reader lost; a crash after it stopped), and a line both have is there
 * once; the firmware's text before the kernel's goes.
 */
static void test_kmsg_merge(void)
{
	struct klog log;
	static const char *const want[] = {
		"boot", "mybrd-check: begin 0 t", "info", "BUG: oops here",
		"RIP: 0010:mybrd_x+0x1/0x2 [mybrd]",
	};

	CU_ASSERT_FATAL(load_boot("6,0,1000000,-;boot\n"
				  "6,2,3000000,-;info\n",
				  "Booting from ROM..\n"
				  "[    1.000000] boot\n"
				  "[    2.000000] mybrd-check: begin 0 t\n"
				  "[    4.000000] BUG: oops here\n"
				  "[    4.000000] RIP: 0010:mybrd_x+0x1/0x2 [mybrd]\n",
				  &log));
	CU_ASSERT_EQUAL_FATAL(log.n, 5);
	for (size_t i = 0; i < log.n; i++)
		CU_ASSERT_STRING_EQUAL(log.lines[i], want[i]);
	klog_free(&log);
	/* No records (no virtio port): the console is the log. */
	CU_ASSERT_FATAL(load_boot("", "Booting\n[    1.000000] boot\n", &log));
	CU_ASSERT_EQUAL_FATAL(log.n, 2);
	CU_ASSERT_STRING_EQUAL(log.lines[0], "Booting");
	CU_ASSERT_EQUAL(log.usec[1], 1000000);
	klog_free(&log);
}

/* A log: begin marker, then n lines from t0 on, every step us. */
static char *flood_log(long n, long long step, const char *fmt, bool load)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	long long t = 1000000, seq = 0;

	fprintf(f, "11,%lld,%lld,-;mybrd-check: begin 0 t\n", seq++, t);
	if (load)
		fprintf(f, "11,%lld,%lld,-;mybrd-check: loading\n", seq++, t);
	for (long i = 0; i < n; i++, t += step) {
		fprintf(f, "6,%lld,%lld,-;", seq, t);
		fprintf(f, fmt, i);
		fputc('\n', f);
		/* Every other record lost: the count must include them. */
		seq += 2;
	}
	fclose(f);
	return text;
}

static bool flood_in(const char *text, struct flood *f)
{
	struct klog log;
	struct kslice s;
	bool found;

	CU_ASSERT_FATAL(parse_kmsg(text, &log));
	CU_ASSERT_FATAL(klog_test_slice(&log, 0, &s));
	found = find_flood(&s, NULL, f);
	klog_free(&log);
	return found;
}

static void test_flood(void)
{
	char *text = flood_log(5000, 100, "mybrd: WRITE sector=%ld", true);
	struct flood f;
	char *why;

	CU_ASSERT_FATAL(flood_in(text, &f));
	free(text);
	CU_ASSERT_EQUAL(f.lines, 9999);
	CU_ASSERT_DOUBLE_EQUAL(f.seconds, 0.4999, 1e-6);
	CU_ASSERT_STRING_EQUAL(f.sample, "mybrd: WRITE sector=4999");
	CU_ASSERT(f.in_insmod);
	why = flood_sentence(&f);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "flooding the kernel log: 20002 lines a second"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "and insmod has not returned"));
	free(why);
	/* A few lines, or many spread thin, are no flood. */
	text = flood_log(500, 100, "mybrd: line %ld", false);
	CU_ASSERT_FALSE(flood_in(text, &f));
	free(text);
	text = flood_log(3000, 100000, "mybrd: line %ld", false);
	CU_ASSERT_FALSE(flood_in(text, &f));
	free(text);
}

/* dump_stack() per bio: the caller of the traces is what floods. */
static void test_flood_of_traces(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	static const char *const trace[] = {
		"CPU: 0 PID: 9 Comm: dd", "Call Trace:", " <TASK>",
		" dump_stack_lvl+0x44/0x5c", " mybrd_submit_bio+0x1c/0x90 [mybrd]",
		" __submit_bio+0x8c/0x130", " </TASK>",
	};
	long long seq = 1, t = 1000000;
	struct flood f;

	fprintf(out, "11,0,%lld,-;mybrd-check: begin 0 t\n", t);
	for (int k = 0; k < 500; k++)
		for (size_t i = 0; i < sizeof(trace) / sizeof(*trace); i++)
			fprintf(out, "4,%lld,%lld,-;%s\n", seq++, t += 50,
				trace[i]);
	fclose(out);
	CU_ASSERT_FATAL(flood_in(text, &f));
	free(text);
	CU_ASSERT_STRING_EQUAL(f.source,
			       " with dump_stack() from mybrd_submit_bio()");
	CU_ASSERT_FALSE(f.in_insmod);
}

struct test_def {
	const char *name;
	CU_TestFunc fn;
};

struct suite_def {
	const char *name;
	const struct test_def *tests;
};

#define T(fn)	{ #fn, fn }

static const struct test_def clean_tests[] = {
	T(test_clean_lines), T(test_clean_slices), T(test_clean_no_problem),
	T(test_clean_trace), { NULL, NULL }
};
static const struct test_def oops_tests[] = {
	T(test_oops_problem), T(test_oops_trace), { NULL, NULL }
};
static const struct test_def panic_tests[] = {
	T(test_panic_problem), T(test_panic_trace), { NULL, NULL }
};
static const struct test_def warning_tests[] = {
	T(test_warning_problem), T(test_warning_trace), { NULL, NULL }
};
static const struct test_def hang_tests[] = { T(test_hang), { NULL, NULL } };
static const struct test_def bug_tests[] = { T(test_bug), { NULL, NULL } };
static const struct test_def atomic_tests[] = { T(test_atomic), { NULL, NULL } };
static const struct test_def hungtask_tests[] = { T(test_hungtask), { NULL, NULL } };
static const struct test_def lockup_tests[] = {
	T(test_softlockup), T(test_rcustall), { NULL, NULL }
};
static const struct test_def v44_tests[] = { T(test_trace_v44), { NULL, NULL } };
static const struct test_def synthetic_tests[] = {
	T(test_parse_line_ends), T(test_parse_split), T(test_markers),
	T(test_problem_kinds), T(test_problem_severity), T(test_trace_edges),
	T(test_problem_names), { NULL, NULL }
};

static const struct test_def kmsg_tests[] = {
	T(test_kmsg_records), T(test_kmsg_merge), T(test_flood),
	T(test_flood_of_traces), { NULL, NULL }
};

static const struct suite_def suites[] = {
	{ "clean.log", clean_tests },
	{ "oops.log", oops_tests },
	{ "panic.log", panic_tests },
	{ "warning.log", warning_tests },
	{ "hang.log", hang_tests },
	{ "bug.log", bug_tests },
	{ "atomic.log", atomic_tests },
	{ "hungtask.log", hungtask_tests },
	{ "softlockup.log and rcustall.log", lockup_tests },
	{ "trace-v4.4.log", v44_tests },
	{ "hand-made input", synthetic_tests },
	{ "kmsg records and floods", kmsg_tests },
	{ NULL, NULL }
};

static bool register_suites(void)
{
	for (const struct suite_def *sd = suites; sd->name; sd++) {
		CU_pSuite s = CU_add_suite(sd->name, NULL, NULL);

		if (!s)
			return false;
		for (const struct test_def *td = sd->tests; td->name; td++)
			if (!CU_add_test(s, td->name, td->fn))
				return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		logs_dir = argv[1];
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (!register_suites()) {
		CU_cleanup_registry();
		return 2;
	}
	return unit_run_registered();
}
