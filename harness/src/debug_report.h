/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the debug kernel (DEBUG=1) reports in a test's dmesg: KASAN's bad
 * accesses, might_sleep's sleeps in atomic context, lockdep's lock misuse,
 * debug objects' armed timers and work freed, and mybrd_debug.h's pages
 * held after exit. Each becomes one sentence naming the bug class and
 * where in the driver it happened (its function and line, symbolized from
 * the module's own debug information), and a hint. kmemleak's report,
 * read after the last rmmod, is debug_tests.c's.
 */
#ifndef MYBRD_DEBUG_REPORT_H
#define MYBRD_DEBUG_REPORT_H

#include "logread.h"

#include <stdbool.h>

struct debug_report {
	const char *kind;	/* "a use-after-free", "a sleep in atomic context" */
	const char *tool;	/* "KASAN", "lockdep", ... */
	const char *hint;
	size_t line;		/* its first line in the slice's log */
	char *where;		/* "mybrd.c:212 in mybrd_queue_rq()", or NULL */
	char *freed_at;		/* KASAN: where the memory was freed, or NULL */
};

/* The first debug report of slice s (module ko names frames); false if none. */
bool find_debug_report(const struct kslice *s, const char *ko,
		       struct debug_report *r);

/* "KASAN found a use-after-free in mybrd.c:212 in f() (freed at ...)". */
char *debug_report_sentence(const struct debug_report *r);

/* What stays the same when the same bug is met again: kind and place. */
char *debug_report_key(const struct debug_report *r);

void debug_report_free(struct debug_report *r);

#endif
