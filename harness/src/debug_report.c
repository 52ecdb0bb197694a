// SPDX-License-Identifier: GPL-2.0
#include "debug_report.h"
#include "format.h"
#include "symbolize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A report's first line, its kind, the tool that made it, the hint. */
struct report_kind {
	const char *prefix;
	const char *kind;
	const char *tool;
	const char *hint;
};

static const char HINT_FREED[] =
	"memory used after it was freed: a bio or request read after bio_endio() or blk_mq_end_request() (they may free it), or a structure freed in exit before its last user (the disk, the tag set) is gone";
static const char HINT_BOUNDS[] =
	"an index or length past the end of what was allocated: check the offset inside the page and the length of each segment";
static const char HINT_SLEEP[] =
	"queue_rq (inside the block layer's RCU read side), a timer's callback and a spinlock's section must not sleep: GFP_NOIO or GFP_ATOMIC there, no mutex_lock(), no msleep(); allocate what may sleep before taking the lock";
static const char HINT_ORDER[] =
	"take the locks in one order everywhere (write it down beside their declarations)";

static const struct report_kind kinds[] = {
	{ "BUG: KASAN: use-after-free", "a use-after-free", "KASAN", HINT_FREED },
	{ "BUG: KASAN: slab-use-after-free", "a use-after-free", "KASAN", HINT_FREED },
	{ "BUG: KASAN: double-free", "a double free", "KASAN",
	  "the same memory freed twice: free each thing once, on one path (exit, or the error path of init, not both)" },
	{ "BUG: KASAN: invalid-free", "a free of memory never allocated", "KASAN",
	  "kfree() and __free_page() only what kmalloc() and alloc_page() returned" },
	{ "BUG: KASAN: slab-out-of-bounds", "an out-of-bounds access", "KASAN", HINT_BOUNDS },
	{ "BUG: KASAN: global-out-of-bounds", "an out-of-bounds access", "KASAN", HINT_BOUNDS },
	{ "BUG: KASAN: stack-out-of-bounds", "an out-of-bounds access", "KASAN", HINT_BOUNDS },
	{ "BUG: KASAN: ", "a bad memory access", "KASAN", HINT_BOUNDS },
	{ "BUG: sleeping function called from invalid context", "a sleep in atomic context", "might_sleep", HINT_SLEEP },
	{ "BUG: scheduling while atomic", "a sleep in atomic context", "the scheduler", HINT_SLEEP },
	{ "WARNING: possible circular locking dependency detected", "two locks taken in opposite orders (a possible deadlock)", "lockdep", HINT_ORDER },
	{ "WARNING: possible recursive locking detected", "a lock taken again by its holder (a deadlock)", "lockdep",
	  "a function that holds the lock calls one that takes it again: take it once, at the outer level" },
	{ "WARNING: inconsistent lock state", "a lock taken both with and without interrupts disabled", "lockdep",
	  "a lock that a timer's callback or an interrupt takes must be taken with spin_lock_irqsave() everywhere else" },
	{ "WARNING: suspicious RCU usage", "an RCU-protected pointer used outside rcu_read_lock()", "lockdep",
	  "read RCU-protected pointers between rcu_read_lock() and rcu_read_unlock()" },
	{ "WARNING: bad unlock balance detected", "an unlock without its lock", "lockdep",
	  "every unlock must match a lock taken on the same path" },
	{ "WARNING: lock held when returning to user space", "a lock still held when a system call returned", "lockdep",
	  "release every lock before the function returns, on every path (the error paths too)" },
	{ "ODEBUG: free active", "a timer or work freed while still armed", "debug objects",
	  "cancel timers (hrtimer_cancel()) and work (cancel_work_sync()) before freeing what holds them" },
	{ "ODEBUG: ", "a timer or work misused", "debug objects",
	  "initialise a timer or work once, before arming it, and cancel it before freeing it" },
	{ "mybrd-leak: ", "pages still allocated after rmmod", "mybrd_debug.h",
	  "exit must free every page the store holds (walk the store, __free_page() each) after del_gendisk()" },
	{ NULL, NULL, NULL, NULL }
};

static const struct report_kind *kind_of(const char *line)
{
	/* mybrd_debug.h's lines may carry the driver's pr_fmt. */
	if (!strncmp(line, "mybrd: mybrd-leak: ", 19))
		line += strlen("mybrd: ");
	for (const struct report_kind *k = kinds; k->prefix; k++)
		if (!strncmp(line, k->prefix, strlen(k->prefix)))
			return k;
	return NULL;
}

/* Where a report ends: the next report, or KASAN's closing rule. */
static bool report_ends(const char *line)
{
	return !strncmp(line, "=====", 5) || strstr(line, "---[ end trace") ||
	       !strncmp(line, KLOG_MARKER, strlen(KLOG_MARKER));
}

/* "allocated in f()" of mybrd-leak's line: its function, symbolized. */
static char *leak_where(const char *line)
{
	const char *in = strstr(line, " allocated in ");

	if (!in)
		return NULL;
	in += strlen(" allocated in ");
	return strdupf("%.*s", (int)strcspn(in, " "), in);
}

/*
 * A frame of the driver: "func+0x1a/0x40 [mybrd]" (a call trace's line
 * trimmed, or what follows " in " in KASAN's first line), else NULL.
 */
static const char *module_frame(const char *l)
{
	const char *p = l;

	while (*p == ' ')
		p++;
	l = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	if (p == l || strncmp(p, "+0x", 3) || !strstr(p, " [mybrd]"))
		return NULL;
	return l;
}

/* "mybrd.c:12 in f()", or "f()" where the module's lines are unknown. */
static char *describe_frame(const char *ko, const char *frame, bool is_return)
{
	char *where = ko ? symbolize_frame(ko, frame, is_return) : NULL;

	return where ? where : strdupf("%.*s()", (int)strcspn(frame, "+"), frame);
}

/* The first frame of the driver after line from (until the report ends). */
static char *driver_frame(const struct kslice *s, size_t from, const char *ko,
			  const char *stop)
{
	for (size_t i = from + 1; i < s->end; i++) {
		const char *l = s->log->lines[i];
		const char *f = module_frame(l);

		if (report_ends(l) || (stop && strstr(l, stop)))
			return NULL;
		if (f)
			return describe_frame(ko, f, true);
	}
	return NULL;
}

/* KASAN's "BUG: KASAN: use-after-free in f+0x1/0x2 [mybrd]": f's place. */
static char *header_frame(const char *line, const char *ko)
{
	const char *in = strstr(line, " in ");
	const char *f = in ? module_frame(in + 4) : NULL;

	return f ? describe_frame(ko, f, false) : NULL;
}

bool find_debug_report(const struct kslice *s, const char *ko,
		       struct debug_report *r)
{
	memset(r, 0, sizeof(*r));
	if (!s->log || s->end > s->log->n)
		return false;
	for (size_t i = s->first; i < s->end; i++) {
		const char *l = s->log->lines[i];
		const struct report_kind *k = kind_of(l);

		if (!k)
			continue;
		r->kind = k->kind;
		r->tool = k->tool;
		r->hint = k->hint;
		r->line = i;
		if (strstr(l, "mybrd-leak: ")) {
			if (strstr(l, " object(s) ")) {
				r->kind = "memory (kmalloc, vmalloc) still allocated after rmmod";
				r->hint = "exit must free what init and the I/O path allocated: kfree() what kmalloc() and kcalloc() gave, vfree() what vmalloc() gave";
			}
			r->where = leak_where(l);
			return true;
		}
		r->where = header_frame(l, ko);
		if (!r->where)
			r->where = driver_frame(s, i, ko, "Allocated by task");
		for (size_t f = i + 1; f < s->end && !report_ends(s->log->lines[f]); f++)
			if (strstr(s->log->lines[f], "Freed by task")) {
				r->freed_at = driver_frame(s, f, ko, NULL);
				break;
			}
		return true;
	}
	return false;
}

char *debug_report_sentence(const struct debug_report *r)
{
	char *freed = r->freed_at ?
		      strdupf(" (the memory was freed in %s)", r->freed_at) :
		      NULL;
	char *s = strdupf("%s found %s%s%s%s", r->tool, r->kind,
			  r->where ? " in " : "", r->where ? r->where : "",
			  freed ? freed : "");

	free(freed);
	return s;
}

char *debug_report_key(const struct debug_report *r)
{
	return strdupf("%s|%s", r->kind, r->where ? r->where : "");
}

void debug_report_free(struct debug_report *r)
{
	free(r->where);
	free(r->freed_at);
	r->where = r->freed_at = NULL;
}
