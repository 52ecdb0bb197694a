/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assertions that teach. Each names the behaviour checked, what was expected,
 * what was seen, the test's dmesg lines and a hint naming the TODO, then
 * records the failure with CUnit. After the first failed assertion of a test
 * the others do nothing (they would only repeat the consequence), so a judge
 * is a plain sequence of expectations.
 */
#ifndef MYBRD_JUDGE_H
#define MYBRD_JUDGE_H

#include <stdbool.h>
#include "logread.h"

struct lab_test;

/* What one test did in the guest. */
struct test_result {
	bool ran;		/* it began */
	bool ended;		/* it finished: rc is valid */
	int rc;
	char *output;		/* its stdout and stderr */
	struct kslice dmesg;	/* its kernel messages */
	char *cause;		/* why it did not end: crash, hang, no boot */
	double seconds;
	/*
	 * The command the guest found stuck in the kernel ("insmod"), or the
	 * one a crash hit (then crashed is set), or "".
	 */
	char stalled[32];
	bool crashed;
	/* Its time ran out while the driver flooded the kernel log. */
	bool flooding;
	/*
	 * What two failures share when they have one root cause: the cause,
	 * less what varies from test to test (a flood's line counts).
	 */
	char *key;
	/*
	 * Not run because every test before it hung the same way: the
	 * first of them, whose lesson says why; NULL otherwise.
	 */
	const char *blocked_by;
	/*
	 * Hung, crashed or flooded as this earlier test did (its lesson says
	 * why), or NULL.
	 */
	const char *same_as;
};

/* One "key=value" line the test printed. */
struct fact {
	char *key;
	char *value;
};

struct judge {
	const struct lab_test *test;
	const struct test_result *result;
	const char *kernel;	/* release under test: "6.1.0-56-amd64" */
	const char *headers;	/* its headers, KDIR (req_flags.h reads them) */
	const char *module;	/* the mybrd.ko under test (names its frames) */
	bool failed;
	const char *hint;	/* overrides the test's hint while set */
	/*
	 * A symptom the lab's failed data comparisons share (symptom.h): the
	 * lesson says it, with its TODO (NULL once said), instead of a hint.
	 */
	const char *symptom;
	const char *symptom_todo;
	char why[256];		/* the first failure, for result files */
	/* The lesson shows no dmesg excerpt (the judge's "seen" says more). */
	bool quiet_dmesg;
	/* The output's facts, parsed once by judge_run(). */
	struct fact *facts;
	int nfacts;
};

/* Fails unless the test ended with status 0 and the kernel stayed clean. */
bool expect_ok(struct judge *j);

/* Fails if the test's dmesg holds an oops, BUG, WARNING, panic, lockup... */
bool expect_clean_dmesg(struct judge *j);

/* Fails unless the fragment printed "key=<want>". */
bool expect_fact(struct judge *j, const char *key, const char *want,
		 const char *expected);

/*
 * The value the test printed as "key=value" (its first such line), or NULL.
 * The string lives as long as the judge runs.
 */
const char *fact_of(const struct judge *j, const char *key);

/* Is s a decimal integer, optionally negative ("42", "-1"; not "-")? */
bool is_number(const char *s);

/* The fact as a number; false (and *out untouched) if it is none. */
bool fact_number(const struct judge *j, const char *key, long *out);

/* Fails unless the fact is the number want. */
bool expect_number(struct judge *j, const char *key, long want,
		   const char *expected);

/* Fails unless the fact is a number in [lo, hi]. */
bool expect_number_in(struct judge *j, const char *key, long lo, long hi,
		      const char *expected);

/* Does line look like a fact: an identifier, then "="? */
bool is_fact_line(const char *line, size_t len);

/* True if the fragment's output contains text. */
bool output_has(const struct judge *j, const char *text);

/* Fails if cond is false, with the expectation and what was seen. */
bool expect_that(struct judge *j, bool cond, const char *expected,
		 const char *seen_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Sets the hint for the expectations that follow (NULL: the test's own), for
 * a check that depends on an earlier TODO than the one the test is about.
 */
void judge_hint(struct judge *j, const char *hint);

/* Runs the test's judge (or expect_ok) and prints PASS or the lesson. */
void judge_run(struct judge *j);

#endif
