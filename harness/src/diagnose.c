// SPDX-License-Identifier: GPL-2.0
#include "diagnose.h"
#include "format.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STALL_MARK "mybrd-check: stalled "
#define STALL_END "mybrd-check: stall dump end"

const char *stalled_command(const struct kslice *s, char *buf, size_t size)
{
	size_t at;

	if (!s->log)
		return NULL;
	at = klog_find_line(s, s->first, STALL_MARK);
	if (at == s->end)
		return NULL;
	snprintf(buf, size, "%s", s->log->lines[at] + strlen(STALL_MARK));
	return buf;
}

/* One blocked task of the dump: "task:insmod state:D ..." and its stack. */
struct blocked {
	char comm[32];
	struct ktrace trace;
	char own[64];	/* its innermost frame "... [mybrd]": the driver's */
};

/* The innermost reliable "func+0x../0x.. [mybrd]" line of one task's dump. */
static void module_frame(const struct kslice *one, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = one->first; i < one->end; i++) {
		const char *l = one->log->lines[i];

		if (!strstr(l, " [mybrd]"))
			continue;
		while (*l == ' ')
			l++;
		if (*l == '?')
			continue;
		snprintf(buf, size, "%.*s", (int)strcspn(l, "+ "), l);
		return;
	}
}

static bool is_task_line(const char *l)
{
	return !strncmp(l, "task:", 5) && strstr(l, " state:");
}

/* The task's name from "task:insmod          state:D ...". */
static bool task_line(const char *l, char *comm, size_t size)
{
	const char *p = l + 5;
	size_t n;

	if (!is_task_line(l))
		return false;
	n = strcspn(p, " ");
	snprintf(comm, size, "%.*s", (int)n, p);
	return true;
}

/*
 * The first blocked task of the dump named comm, else the first blocked
 * task; false if the dump lists none.
 */
static bool pick_task(const struct kslice *dump, const char *comm,
		      struct blocked *out)
{
	bool found = false;

	for (size_t i = dump->first; i < dump->end; i++) {
		char name[32];
		size_t next;

		if (!task_line(dump->log->lines[i], name, sizeof(name)))
			continue;
		if (found && strcmp(name, comm))
			continue;
		next = i + 1;
		while (next < dump->end &&
		       !is_task_line(dump->log->lines[next]))
			next++;
		struct kslice one = { dump->log, i, next };
		struct ktrace *t;
		int n = klog_call_traces(&one, &t);

		if (n <= 0)
			continue;
		if (found)
			ktrace_release(&out->trace);
		snprintf(out->comm, sizeof(out->comm), "%s", name);
		module_frame(&one, out->own, sizeof(out->own));
		out->trace = t[0];
		for (int k = 1; k < n; k++)
			ktrace_release(&t[k]);
		free(t);
		found = true;
		if (!strcmp(name, comm))
			break;
	}
	return found;
}

static bool in_list(const char *f, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(f, *list))
			return true;
	return false;
}

static bool has(const struct ktrace *t, const char *frame)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->frames[i], frame))
			return true;
	return false;
}

static bool has_any(const struct ktrace *t, const char *const *frames)
{
	for (size_t i = 0; i < t->n; i++)
		if (in_list(t->frames[i], frames))
			return true;
	return false;
}

/* The scheduler's own frames: how any task sleeps, never worth showing. */
static bool is_scheduler_frame(const char *f)
{
	static const char *const internals[] = {
		"__schedule", "schedule", "schedule_timeout", "io_schedule",
		"schedule_preempt_disabled", "__wait_for_common",
		"folio_wait_bit_common", "io_schedule_timeout",
		"schedule_hrtimeout_range", "bit_wait_io", "__wait_on_bit",
		"out_of_line_wait_on_bit", NULL,
	};

	return in_list(f, internals);
}

/*
 * Frames that only say "this task sleeps", not where it waits: the
 * scheduler's, and the sleeping calls a driver makes itself (msleep,
 * mutex_lock, wait_for_completion...).
 */
static bool is_sleep_frame(const char *f)
{
	static const char *const sleeping_calls[] = {
		"wait_for_completion", "wait_for_completion_io",
		"folio_wait_bit", "__folio_lock", "msleep", "__mutex_lock",
		"mutex_lock", "rwsem_down_read_slowpath",
		"rwsem_down_write_slowpath", "down_read", "down_write",
		"__flush_work", "flush_work", NULL,
	};

	return is_scheduler_frame(f) || in_list(f, sleeping_calls) ||
	       !strncmp(f, "__wait", 6) || !strncmp(f, "wait_", 5);
}

/* The innermost frame that is not the sleep itself, or "?". */
static const char *waits_in(const struct ktrace *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (!is_sleep_frame(t->frames[i]))
			return t->frames[i];
	return "?";
}

/* What the driver's frame own called: where it went to sleep. */
static const char *driver_callee(const struct ktrace *t, const char *own)
{
	for (size_t i = 1; i < t->n; i++)
		if (!strcmp(t->frames[i], own))
			return t->frames[i - 1];
	return "?";
}

/* What the stack most likely waits for, as a sentence. */
static char *explain(const struct blocked *b)
{
	static const char *const scan[] = {
		"read_part_sector", "disk_scan_partitions", "bdev_disk_changed",
		NULL,
	};
	static const char *const io_wait[] = {
		"filemap_read", "filemap_read_folio", "submit_bio_wait",
		"__blkdev_direct_IO_simple", "__blkdev_direct_IO",
		"blkdev_direct_IO", "blkdev_read_iter", "blkdev_write_iter",
		"filemap_write_and_wait_range", "__filemap_fdatawait_range",
		"folio_wait_writeback", "blkdev_issue_flush", NULL,
	};
	static const char *const drain[] = {
		"blk_mq_freeze_queue_wait", "blk_mq_freeze_queue",
		"blk_freeze_queue", "blk_queue_start_drain", NULL,
	};
	const struct ktrace *t = &b->trace;
	const char *own = b->own[0] ? b->own : NULL, *where = waits_in(t);

	if (has_any(t, scan) && (has(t, "device_add_disk") || has(t, "add_disk")))
		return strdupf("%s is waiting in add_disk()'s partition scan (%s) for a read your driver received and never ended: every bio must end with bio_endio(), every request with blk_mq_end_request()",
				b->comm, where);
	if (has(t, "del_gendisk") && has_any(t, drain))
		return strdupf("%s is waiting in del_gendisk() for requests your driver received and never ended (%s)",
				b->comm, where);
	if (own && (!strcmp(where, own) || is_sleep_frame(t->frames[0])) &&
	    !has_any(t, io_wait) && !has_any(t, scan))
		return strdupf("%s is waiting in your %s() itself: it calls %s() and never returns",
				b->comm, own, driver_callee(t, own));
	if (has_any(t, io_wait))
		return strdupf("%s is waiting in %s() for I/O your driver received and never ended",
				b->comm, where);
	return strdupf("%s is waiting in %s()%s%s%s", b->comm, where,
			own ? ", called from your " : "", own ? own : "",
			own ? "()" : "");
}

bool crashed_while_loading(const struct kslice *s)
{
	size_t at;

	if (!s->log || klog_find_problem(s, &at) == KP_NONE)
		return false;
	return klog_find_line(s, s->first, "mybrd-check: loaded") > at;
}

size_t stall_start(const struct kslice *s)
{
	return klog_find_line(s, s->first, STALL_MARK);
}

/*
 * The frames worth reading: not the scheduler's own (msleep, mutex_lock,
 * wait_for_completion are calls a driver makes: they stay), not the
 * system-call entry.
 */
static bool frame_worth_showing(const char *f)
{
	return !is_scheduler_frame(f) && strcmp(f, "do_syscall_64") &&
	       strncmp(f, "entry_SYSCALL", 13);
}

/*
 * The task the first stall dump of s shows for the stalled command, into
 * b and comm; false if s holds no dump or the dump lists no blocked task
 * (*dumped says which).
 */
static bool stalled_task(const struct kslice *s, char *comm, size_t size,
			 struct blocked *b, bool *dumped)
{
	size_t from;

	*dumped = stalled_command(s, comm, size) != NULL;
	if (!*dumped)
		return false;
	from = klog_find_line(s, s->first, STALL_MARK);
	struct kslice dump = { s->log, from,
			       klog_find_line(s, from, STALL_END) };

	return pick_task(&dump, comm, b);
}

char *stall_stack(const struct kslice *s)
{
	char comm[32], *out = NULL;
	struct blocked b = { 0 };
	size_t len = 0;
	bool dumped;
	FILE *f;

	if (!stalled_task(s, comm, sizeof(comm), &b, &dumped))
		return NULL;
	f = open_memstream(&out, &len);
	for (size_t i = 0, n = 0; i < b.trace.n; i++)
		if (frame_worth_showing(b.trace.frames[i]))
			fprintf(f, "%s%s", n++ ? " < " : "", b.trace.frames[i]);
	fclose(f);
	ktrace_release(&b.trace);
	return out;
}

char *diagnose_stall(const struct kslice *s)
{
	char comm[32];
	struct blocked b = { 0 };
	bool dumped;
	char *why;

	if (!stalled_task(s, comm, sizeof(comm), &b, &dumped))
		return dumped ? strdupf("%s did not return, and the kernel lists no blocked task (it may be busy on a CPU)",
					comm) : NULL;
	why = explain(&b);
	ktrace_release(&b.trace);
	return why;
}
