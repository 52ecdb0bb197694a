// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests for debug_report.c: the debug kernel's reports, as lines
 * the 6.1 debug kernel printed (the frames are the driver's, without its
 * .ko here: they are named by function, not line), told apart from the
 * lines around them.
 */
#include "debug_report.h"

#include "unit.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first report of text: its sentence, malloc'ed, or NULL. */
static char *sentence_of(const char *text)
{
	struct debug_report r;
	struct klog log;
	char *s = NULL;

	if (klog_parse(&log, text, strlen(text)))
		return NULL;
	struct kslice all = klog_all(&log);

	if (find_debug_report(&all, NULL, &r))
		s = debug_report_sentence(&r);
	debug_report_free(&r);
	klog_free(&log);
	return s;
}

static void expect_sentence(const char *text, const char *want)
{
	char *s = sentence_of(text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (strcmp(s, want))
		fprintf(stderr, "\nwant: %s\ngot:  %s\n", want, s);
	CU_ASSERT_STRING_EQUAL(s, want);
	free(s);
}

static void kasan_names_both_places(void)
{
	expect_sentence(
		"==================================================================\n"
		"BUG: KASAN: use-after-free in mybrd_exit+0x8c/0xc0 [mybrd]\n"
		"Read of size 8 at addr ffff888005a1c008 by task rmmod/130\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl+0x4c/0x5f\n"
		" kasan_report+0xb5/0x130\n"
		" ? mybrd_exit+0x8c/0xc0 [mybrd]\n"
		" mybrd_exit+0x8c/0xc0 [mybrd]\n"
		"Allocated by task 120:\n"
		" __kmalloc+0x42/0x150\n"
		" mybrd_alloc_queues+0x30/0x90 [mybrd]\n"
		"Freed by task 130:\n"
		" kfree+0x8a/0x120\n"
		" mybrd_exit+0x70/0xc0 [mybrd]\n"
		"==================================================================\n",
		"KASAN found a use-after-free in mybrd_exit() (the memory was freed in mybrd_exit())");
}

/* The held locks' list names the driver too: it is not a frame. */
static void might_sleep_skips_held_locks(void)
{
	expect_sentence(
		"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274\n"
		"in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 55, name: insmod\n"
		"1 lock held by insmod/55:\n"
		" #0: ffffffffa0004040 (mybrd_lock){+.+.}-{2:2}, at: mybrd_submit_bio+0x90/0x200 [mybrd]\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl+0x4c/0x5f\n"
		" __might_resched.cold+0x1b6/0x1ea\n"
		" __kmalloc+0x5b/0x150\n"
		" mybrd_submit_bio+0xa1/0x200 [mybrd]\n"
		" __submit_bio+0x12a/0x1f0\n",
		"might_sleep found a sleep in atomic context in mybrd_submit_bio()");
}

static void page_leak_names_allocator(void)
{
	expect_sentence(
		"mybrd: unregistered major 254\n"
		"mybrd: mybrd-leak: 1 page(s) allocated in mybrd_insert_page() still held after the module's exit\n",
		"mybrd_debug.h found pages still allocated after rmmod in mybrd_insert_page()");
}

static void object_leak_names_allocator(void)
{
	expect_sentence(
		"mybrd-leak: 1 object(s) allocated in mybrd_alloc_queues() still held after the module's exit\n",
		"mybrd_debug.h found memory (kmalloc, vmalloc) still allocated after rmmod in mybrd_alloc_queues()");
}

static void lockdep_order(void)
{
	expect_sentence(
		"======================================================\n"
		"WARNING: possible circular locking dependency detected\n"
		"6.1.192-mybrd-debug #4 Tainted: G           O\n"
		"------------------------------------------------------\n"
		"dd/80 is trying to acquire lock:\n"
		"ffffffffa0004060 (mybrd_lock_a){+.+.}-{2:2}, at: mybrd_submit_bio+0x120/0x200 [mybrd]\n"
		"-> #1 (mybrd_lock_b){+.+.}-{2:2}:\n"
		"       _raw_spin_lock+0x30/0x40\n"
		"       mybrd_submit_bio+0x140/0x200 [mybrd]\n",
		"lockdep found two locks taken in opposite orders (a possible deadlock) in mybrd_submit_bio()");
}

/* A clean log, a normal WARNING and the driver's own lines: no report. */
static void nothing_else(void)
{
	CU_ASSERT_PTR_NULL(sentence_of(
		"mybrd: registered major 254, 4 MiB\n"
		"WARNING: CPU: 0 PID: 1 at mybrd.c:10 broken_init+0x1/0x2 [mybrd]\n"
		"mybrd-check: loaded\n"));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "kasan_names_both_places", kasan_names_both_places },
		{ "might_sleep_skips_held_locks", might_sleep_skips_held_locks },
		{ "page_leak_names_allocator", page_leak_names_allocator },
		{ "object_leak_names_allocator", object_leak_names_allocator },
		{ "lockdep_order", lockdep_order },
		{ "nothing_else", nothing_else },
	};

	return unit_run("debug_report", UNIT_TESTS(tests));
}
