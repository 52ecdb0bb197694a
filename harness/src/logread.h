/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log reader: turns the guest's serial console (kernel messages) into lines,
 * finds each test's slice between the markers the guest writes to /dev/kmsg,
 * recognises kernel problems (oops, BUG, WARNING, panic, lockups, hung tasks,
 * KASAN-style reports) and extracts call traces as lists of frame names.
 *
 * Marker lines, as the guest writes them to /dev/kmsg:
 *   mybrd-check: begin <index> <name>
 *   mybrd-check: end <index> <name> rc=<rc>
 */
#ifndef MYBRD_LOGREAD_H
#define MYBRD_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>

/* Kernel problems, least severe first: a slice reports its most severe. */
enum kproblem {
	KP_NONE = 0,
	KP_WARNING,	/* "WARNING: CPU: ... at file:line" (WARN_ON) */
	KP_HUNG_TASK,	/* "INFO: task ... blocked for more than" */
	KP_SOFT_LOCKUP,	/* "watchdog: BUG: soft lockup" */
	KP_KASAN,	/* "BUG: KASAN:", "BUG: KFENCE:", "UBSAN:" reports */
	KP_BUG,		/* "kernel BUG at", other "BUG:" lines */
	KP_OOPS,	/* "Oops:", "general protection fault", page fault */
	KP_PANIC,	/* "Kernel panic - not syncing" */
};

/*
 * The kernel's log as lines: "\r" and the "[    1.234567] " stamp removed;
 * the stamp kept apart, in microseconds since boot (-1: the line had none),
 * and where known the record's number (a gap: records the reader lost).
 */
struct klog {
	char **lines;
	long long *usec;
	long long *seq;	/* its record's number in /dev/kmsg, or -1 */
	size_t n;
	size_t cap;
};

/* What the guest's markers start with (harness/guest/facts.sh's mark). */
#define KLOG_MARKER "mybrd-check: "

/* A range of lines [first, end) of a log. */
struct kslice {
	const struct klog *log;
	size_t first;
	size_t end;
};

/* One "Call Trace:" block: function names only, "?" frames dropped. */
struct ktrace {
	char **frames;	/* innermost first, e.g. "dump_stack_lvl" */
	size_t n;
};

/* The serial console's text as lines (the log is emptied first). */
int klog_parse(struct klog *log, const char *text, size_t len);
int klog_load(struct klog *log, const char *path); /* -errno on failure */
void klog_free(struct klog *log);

/* Appends a line of len bytes stamped usec (-1: none); -ENOMEM. */
int klog_add(struct klog *log, const char *s, size_t len, long long usec);

/* The whole log as a slice. */
struct kslice klog_all(const struct klog *log);

/*
 * The lines between "begin <index>" and "end <index>" (or the end of the log
 * when the test never ended: it crashed or hung). False if it never began.
 */
bool klog_test_slice(const struct klog *log, int index, struct kslice *out);

/* True if the end marker of test <index> is in the log; its rc in *rc. */
bool klog_test_ended(const struct klog *log, int index, int *rc);

/* The most severe problem in a slice; the line it starts on in *line. */
enum kproblem klog_find_problem(const struct kslice *s, size_t *line);

/* "oops", "panic", "WARNING", ...: a short noun for sentences. */
const char *kproblem_name(enum kproblem p);

/*
 * The first line of s at or after from that starts with prefix (leading
 * spaces ignored); s->end if none.
 */
size_t klog_find_line(const struct kslice *s, size_t from, const char *prefix);

/* The first line of s that contains text, or NULL. */
const char *klog_line_containing(const struct kslice *s, const char *text);

/* All call traces in a slice, in order; returns how many (-1 on ENOMEM). */
int klog_call_traces(const struct kslice *s, struct ktrace **out);
void ktraces_free(struct ktrace *t, int n);
/* One trace's frames (ktraces_free frees a whole array of them). */
void ktrace_release(struct ktrace *t);

/* True if frames a[0..] appear in t in this order (not necessarily adjacent). */
bool ktrace_has_sequence(const struct ktrace *t, const char *const *names,
			 size_t n);

#endif
