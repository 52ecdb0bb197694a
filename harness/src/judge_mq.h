/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the blk-mq labs' judges (lab03-request, lab04-mq) share: their tests
 * load the module with load_and_report (fact insmod_rc) and run dd through
 * must (fact io_failed on the first failure), both of harness/guest/mq.sh.
 * These assertions read those facts, most basic first.
 */
#ifndef MYBRD_JUDGE_MQ_H
#define MYBRD_JUDGE_MQ_H

#include "judge.h"

/* Fails unless insmod_rc is 0, with load_hint (the lab's TODOs) as hint. */
bool expect_loaded(struct judge *j, const char *load_hint);

/* Fails if a command run with must failed (io_failed says which and why). */
bool expect_io(struct judge *j);

/* The module was loaded, every dd worked, the test ended well. */
bool expect_ran(struct judge *j, const char *load_hint);

/*
 * What unload_facts printed: rmmod exited 0 and left neither the disk nor
 * the debugfs directory.
 */
bool expect_unloaded(struct judge *j);

/* Like fact_number(), the key made with a format ("%s_q%d_max"). */
bool fact_number_fmt(const struct judge *j, long *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Is rc an exit status the test printed, and not 0? */
bool nonzero_status(const char *rc);

/* Fails unless the fact key contains part ("[mq-deadline]"). */
bool expect_fact_contains(struct judge *j, const char *key, const char *part,
			  const char *expected);

/*
 * requests_are_started's judge: every request ->queue_rq() received was
 * started (block_rq_issue, from blk_mq_start_request()) and ended.
 */
void judge_requests_are_started(struct judge *j);

#define TEST_REQUESTS_ARE_STARTED(hint_, skeleton_fails_) {		\
	.name = "requests_are_started",					\
	.behaviour = "8 unmerged 4 KiB direct writes: every request started with blk_mq_start_request() and ended", \
	.judge = judge_requests_are_started,				\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

/*
 * The hint shared judges give when insmod fails (the lab's TODOs that
 * make the disk); set once in main(), before lab_main().
 */
void judge_mq_load_hint(const char *hint);

#endif
