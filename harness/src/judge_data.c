// SPDX-License-Identifier: GPL-2.0
/*
 * Judges of the data helpers of harness/guest/data.sh (see judge_data.h).
 */
#include "judge_data.h"
#include "symptom.h"

#include <stdio.h>
#include <string.h>

static const char *io_error_hint;

void judge_data_io_error_hint(const char *hint)
{
	io_error_hint = hint;
}

/*
 * An I/O error is what a driver that does not move the data yet gives: the
 * lab's hint says where it comes from.
 */
bool expect_step(struct judge *j, const char *key, const char *what)
{
	const char *v = fact_of(j, key);
	char expected[256];

	/* A hint the judge set for this step says more than the generic one. */
	if (io_error_hint && !j->hint && v && strstr(v, "Input/output error"))
		judge_hint(j, io_error_hint);
	snprintf(expected, sizeof(expected), "%s succeeds", what);
	return expect_fact(j, key, "ok", expected);
}

/* run() prints "failed: <error>" for a command that failed. */
bool expect_failed(struct judge *j, const char *key, const char *expected)
{
	const char *v = fact_of(j, key);

	return expect_that(j, v && !strncmp(v, "failed", 6), expected,
			   "%s=%s", key, v ? v : "(not printed)");
}

/* A failed comparison whose symptom the lab's diagnosis names says it. */
bool expect_same(struct judge *j, const char *key, const char *what)
{
	if (!j->failed)
		symptom_of(j, key, &j->symptom, &j->symptom_todo);
	return expect_fact(j, key, "yes", what);
}

/* get() prints KEY_read for the read itself and KEY for the comparison. */
bool expect_read(struct judge *j, const char *key, const char *what)
{
	char read_key[64], expected[256];

	snprintf(read_key, sizeof(read_key), "%s_read", key);
	snprintf(expected, sizeof(expected), "the read of %s", what);
	if (!expect_step(j, read_key, expected))
		return false;
	snprintf(expected, sizeof(expected), "%s reads back what was written",
		 what);
	return expect_same(j, key, expected);
}
