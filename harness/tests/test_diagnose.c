// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests for diagnose.c: the sentence a stalled command gets, from a
 * recorded stall dump (logs/stall-partition-scan.log: lab03's solution
 * without blk_mq_end_request(), Debian's 6.1 kernel) and from small
 * hand-made dumps.
 *
 * usage: test_diagnose [LOGS_DIR]   (default harness/tests/logs)
 */
#include "diagnose.h"

#include "unit.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *logs_dir = "harness/tests/logs";

/* The sentence for a log text; NULL if none. */
static char *diagnose_text(const char *text)
{
	struct klog log;
	char *why;

	if (klog_parse(&log, text, strlen(text)))
		return NULL;
	struct kslice all = klog_all(&log);

	why = diagnose_stall(&all);
	klog_free(&log);
	return why;
}

static void expect_words(const char *why, const char *const *words)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	for (; *words; words++)
		if (!strstr(why, *words)) {
			fprintf(stderr, "\nno '%s' in: %s\n", *words, why);
			CU_FAIL("a word is missing from the diagnosis");
		}
}

static void partition_scan_recorded(void)
{
	static const char *const words[] = {
		"insmod is waiting in add_disk()'s partition scan",
		"never ended", "bio_endio()", "blk_mq_end_request()", NULL,
	};
	char path[4096];
	struct klog log;

	snprintf(path, sizeof(path), "%s/stall-partition-scan.log", logs_dir);
	CU_ASSERT_EQUAL_FATAL(klog_load(&log, path), 0);
	struct kslice all = klog_all(&log);
	char *why = diagnose_stall(&all);
	char comm[32];

	expect_words(why, words);
	CU_ASSERT_STRING_EQUAL(stalled_command(&all, comm, sizeof(comm)),
			       "insmod");
	free(why);
	klog_free(&log);
}

#define DUMP_END "mybrd-check: stall dump end\n"

static void rmmod_drains_queue(void)
{
	static const char *const words[] = {
		"rmmod is waiting in del_gendisk()", "never ended", NULL,
	};
	char *why = diagnose_text(
		"mybrd-check: stalled rmmod\nsysrq: Show Blocked State\n"
		"task:rmmod           state:D stack:0     pid:120   ppid:1      flags:0x00004002\n"
		"Call Trace:\n <TASK>\n __schedule+0x34d/0xa00\n schedule+0x5a/0xd0\n"
		" blk_mq_freeze_queue_wait+0x5d/0x90\n del_gendisk+0x1f0/0x370\n"
		" mybrd_exit+0x12/0x30 [mybrd]\n __do_sys_delete_module+0x1a0/0x2d0\n"
		" do_syscall_64+0x5d/0xb0\n </TASK>\n" DUMP_END);

	expect_words(why, words);
	free(why);
}

static void sleeps_in_init(void)
{
	static const char *const words[] = {
		"insmod is waiting in your mybrd_init() itself", "msleep", NULL,
	};
	char *why = diagnose_text(
		"mybrd-check: stalled insmod\nsysrq: Show Blocked State\n"
		"task:kworker/0:1     state:D stack:0     pid:12    ppid:2      flags:0x00004000\n"
		"Call Trace:\n <TASK>\n __schedule+0x34d/0xa00\n schedule+0x5a/0xd0\n"
		" worker_thread+0x10/0x20\n </TASK>\n"
		"task:insmod          state:D stack:0     pid:99    ppid:1      flags:0x00004002\n"
		"Call Trace:\n <TASK>\n __schedule+0x34d/0xa00\n schedule+0x5a/0xd0\n"
		" schedule_timeout+0x11a/0x150\n msleep+0x29/0x40\n"
		" mybrd_init+0xa/0x1000 [mybrd]\n do_one_initcall+0x59/0x220\n"
		" do_init_module+0x4a/0x1f0\n </TASK>\n" DUMP_END);

	expect_words(why, words);
	free(why);
}

static void nothing_blocked(void)
{
	static const char *const words[] = {
		"insmod did not return", "no blocked task", NULL,
	};
	char *why = diagnose_text("mybrd-check: stalled insmod\n"
				  "sysrq: Show Blocked State\n" DUMP_END);

	expect_words(why, words);
	free(why);
}

static void no_stall_no_sentence(void)
{
	char *why = diagnose_text("mybrd: registered major 252\n"
				  "Call Trace:\n dump_stack_lvl+0x1/0x2\n");

	CU_ASSERT_PTR_NULL(why);
	free(why);
}

int main(int argc, char **argv)
{
	static const struct unit_test cases[] = {
		{ "partition scan (recorded)", partition_scan_recorded },
		{ "rmmod drains the queue", rmmod_drains_queue },
		{ "init sleeps", sleeps_in_init },
		{ "nothing blocked", nothing_blocked },
		{ "no stall, no sentence", no_stall_no_sentence },
	};

	if (argc > 1)
		logs_dir = argv[1];
	return unit_run("diagnose", UNIT_TESTS(cases));
}
