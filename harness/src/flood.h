/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test whose time ran out while the kernel's log kept filling is not a
 * hang: the driver floods the log (a pr_info() or dump_stack() per bio,
 * debug lines in a loop). This says how much, how fast and from where:
 * the driver's function named in the repeated lines, or the caller of
 * the repeated call traces, or the message itself.
 */
#ifndef MYBRD_FLOOD_H
#define MYBRD_FLOOD_H

#include "judge.h"
#include "logread.h"

#include <stdbool.h>

struct flood {
	long long lines;	/* the slice's, lost ones included */
	double seconds;		/* from its first stamp to its last */
	char source[160];	/* " from mybrd_init()", " with dump_stack()
				 * from mybrd_submit_bio()", or "" */
	char sample[160];	/* the most repeated line, one instance */
	bool in_insmod;		/* insmod had not returned */
};

/*
 * Is slice s (a test that did not end) a flood: thousands of lines, at
 * hundreds a second or more? Then f says what floods; ko (the module,
 * may be NULL) names the driver's functions.
 */
bool find_flood(const struct kslice *s, const char *ko, struct flood *f);

/* "your driver is flooding the kernel log: ...", malloc'ed. */
char *flood_sentence(const struct flood *f);

/* What stays the same when the flood comes again: source and sample's form. */
char *flood_key(const struct flood *f);

/*
 * A driver that prints thousands of lines a test passes, but slowly: one
 * note for the run ("note: your driver wrote 2000000 lines ..."), from the
 * tests that ended (a flood that did not end is their lesson), malloc'ed;
 * NULL if none printed that much.
 */
char *flood_note(const struct test_result *results, int n, const char *ko);

#endif
