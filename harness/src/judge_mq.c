// SPDX-License-Identifier: GPL-2.0
/*
 * Assertions the blk-mq labs share (judge_mq.h): written once so that
 * lab03-request and lab04-mq say the same thing about the same failure.
 */
#include "judge_mq.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool expect_loaded(struct judge *j, const char *load_hint)
{
	bool ok;

	judge_hint(j, load_hint);
	ok = expect_fact(j, "insmod_rc", "0",
			 "insmod mybrd.ko succeeds (with this test's parameters)");
	judge_hint(j, NULL);
	return ok;
}

bool expect_io(struct judge *j)
{
	const char *failed = fact_of(j, "io_failed");

	return expect_that(j, !failed, "every dd of the test succeeds",
			   "%s", failed ? failed : "");
}

bool expect_ran(struct judge *j, const char *load_hint)
{
	return expect_loaded(j, load_hint) && expect_io(j) && expect_ok(j);
}

bool expect_unloaded(struct judge *j)
{
	return expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0") &&
	       expect_fact(j, "disk", "no", "after rmmod, no /sys/block/mybrd") &&
	       expect_fact(j, "debugfs", "no",
			   "after rmmod, no /sys/kernel/debug/mybrd");
}

bool fact_number_fmt(const struct judge *j, long *out, const char *fmt, ...)
{
	char key[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return fact_number(j, key, out);
}

bool nonzero_status(const char *rc)
{
	return rc && strcmp(rc, "0") != 0;
}

bool expect_fact_contains(struct judge *j, const char *key, const char *part,
			  const char *expected)
{
	const char *v = fact_of(j, key);

	return expect_that(j, v && strstr(v, part), expected, "%s: %s", key,
			   !v ? "(not printed)" : *v ? v : "(empty)");
}

static const char *mq_load_hint;

void judge_mq_load_hint(const char *hint)
{
	mq_load_hint = hint;
}

void judge_requests_are_started(struct judge *j)
{
	long issued = 0;

	expect_ran(j, mq_load_hint);
	/* At least 8: a driver with smaller request limits may split. */
	expect_number_in(j, "issued", 8, LONG_MAX,
			 "8 block_rq_issue events or more: blk_mq_start_request() for each request of the 8 writes");
	fact_number(j, "issued", &issued);
	judge_hint(j, "every request ->queue_rq() started must end: blk_mq_end_request(rq, status)");
	expect_number(j, "completed", issued,
		      "as many block_rq_complete events as block_rq_issue: each request ended");
	judge_hint(j, NULL);
}
