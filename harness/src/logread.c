// SPDX-License-Identifier: GPL-2.0
/*
 * Log reader for the guest's serial console: see logread.h.
 *
 * The console is a byte stream, not a list of records: SeaBIOS writes escape
 * sequences and text without a final newline before the kernel starts, so
 * the first kernel line can share a physical line with "Booting from ROM..".
 * A printk stamp always starts a kernel record, so physical lines are split
 * at every stamp and the stamp is dropped.
 */
#include "logread.h"
#include "textfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t skip_digits(const char *s, size_t i, size_t n)
{
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* ---- splitting the console into lines ---- */

/*
 * Length of a printk stamp "[    1.234567] " at s, 0 if there is none.
 * Exactly printk's "[%5lu.%06lu]", so that text such as "version [1.0]"
 * in a message is not taken for a stamp when lines are split at stamps.
 * Also takes a CONFIG_PRINTK_CALLER id ("[    T1]") so such kernels work.
 */
static size_t stamp_len(const char *s, size_t n)
{
	size_t i = 1, d;

	if (n == 0 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	d = skip_digits(s, i, n);
	if (d == i || d < 6 || d >= n || s[d] != '.')
		return 0;
	i = skip_digits(s, d + 1, n);
	if (i != d + 7 || i >= n || s[i] != ']')
		return 0;
	i++;
	if (i < n && s[i] == '[') {
		size_t j = i + 1;

		while (j < n && s[j] == ' ')
			j++;
		if (j < n && (s[j] == 'T' || s[j] == 'C')) {
			size_t k = skip_digits(s, j + 1, n);

			if (k > j + 1 && k < n && s[k] == ']')
				i = k + 1;
		}
	}
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Length of the escape sequence at s (s[0] == ESC): CSI or two bytes. */
static size_t escape_len(const char *s, size_t n)
{
	size_t i = 2;

	if (n < 2)
		return n;
	if (s[1] != '[')
		return 2;
	while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x40)
		i++;
	return i < n ? i + 1 : n;
}

/*
 * Copies a physical line without "\r", NULs and terminal escapes: these are
 * transport noise (CRLF, SeaBIOS screen control), never part of a message.
 * Returns the cleaned length; dst has room for n + 1 bytes.
 */
static size_t clean_line(char *dst, const char *src, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (src[i] == '\x1b') {
			i += escape_len(src + i, n - i);
			continue;
		}
		if (src[i] != '\r' && src[i] != '\0')
			dst[o++] = src[i];
		i++;
	}
	dst[o] = '\0';
	return o;
}

int klog_add(struct klog *log, const char *s, size_t len, long long usec)
{
	char *copy;

	if (log->n == log->cap) {
		size_t ncap = log->cap ? log->cap * 2 : 64;
		char **v = realloc(log->lines, ncap * sizeof(*v));
		long long *u;

		if (!v)
			return -ENOMEM;
		log->lines = v;
		u = realloc(log->usec, ncap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		log->usec = u;
		u = realloc(log->seq, ncap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		log->seq = u;
		log->cap = ncap;
	}
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	log->usec[log->n] = usec;
	log->seq[log->n] = -1;
	log->lines[log->n++] = copy;
	return 0;
}

/* The microseconds of the stamp "[    1.234567] " at s (stamp_len > 0). */
static long long stamp_usec(const char *s)
{
	char *dot;
	long long sec = strtoll(s + 1, &dot, 10);

	return sec * 1000000 + strtoll(dot + 1, NULL, 10);
}

/* Position of the next stamp in s[from..n), or n. */
static size_t next_stamp(const char *s, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++)
		if (s[i] == '[' && stamp_len(s + i, n - i))
			return i;
	return n;
}

/*
 * One cleaned physical line becomes one or more log lines: the text before
 * the first stamp (if any, or the whole line if it has no stamp), then one
 * line per stamped record with the stamp removed.
 */
static int push_physical(struct klog *log, const char *s, size_t n)
{
	size_t at = next_stamp(s, 0, n);
	int err;

	if (at > 0 || n == 0) {
		err = klog_add(log, s, at, -1);
		if (err)
			return err;
	}
	while (at < n) {
		size_t body = at + stamp_len(s + at, n - at);
		size_t next = next_stamp(s, body, n);

		err = klog_add(log, s + body, next - body, stamp_usec(s + at));
		if (err)
			return err;
		at = next;
	}
	return 0;
}

int klog_parse(struct klog *log, const char *text, size_t len)
{
	size_t pos = 0;
	char *buf;
	int err = 0;

	memset(log, 0, sizeof(*log));
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	while (pos < len && !err) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = clean_line(buf, text + pos, end - pos);

		err = push_physical(log, buf, n);
		pos = end + 1;
	}
	free(buf);
	if (err)
		klog_free(log);
	return err;
}

int klog_load(struct klog *log, const char *path)
{
	size_t len = 0;
	char *text;
	int err;

	memset(log, 0, sizeof(*log));
	text = read_text_file(path, &len);
	if (!text)
		return -errno;
	err = klog_parse(log, text, len);
	free(text);
	return err;
}

void klog_free(struct klog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->lines[i]);
	free(log->lines);
	free(log->usec);
	free(log->seq);
	memset(log, 0, sizeof(*log));
}

struct kslice klog_all(const struct klog *log)
{
	struct kslice s = { .log = log, .first = 0, .end = log->n };

	return s;
}

/* ---- test markers ---- */

/*
 * Does line say "mybrd-check: <verb> <index> ..."? The index must be the
 * whole number, so "begin 1" does not match "begin 12". *rest is what
 * follows the index.
 */
static bool marker_is(const char *line, const char *verb, int index,
		      const char **rest)
{
	const char *p = line;
	char *after;
	long v;

	if (!starts_with(p, KLOG_MARKER))
		return false;
	p += strlen(KLOG_MARKER);
	if (!starts_with(p, verb) || p[strlen(verb)] != ' ')
		return false;
	p += strlen(verb) + 1;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	v = strtol(p, &after, 10);
	if (errno || v != index || (*after != ' ' && *after != '\0'))
		return false;
	if (rest)
		*rest = after;
	return true;
}

/* First line in [from, log->n) that is the <verb> marker of <index>. */
static size_t find_marker(const struct klog *log, size_t from, const char *verb,
			  int index, const char **rest)
{
	for (size_t i = from; i < log->n; i++)
		if (marker_is(log->lines[i], verb, index, rest))
			return i;
	return log->n;
}

/* The first begin of <index> and the first end after it. */
bool klog_test_slice(const struct klog *log, int index, struct kslice *out)
{
	size_t begin = find_marker(log, 0, "begin", index, NULL);

	if (begin == log->n)
		return false;
	out->log = log;
	out->first = begin + 1;
	out->end = find_marker(log, begin + 1, "end", index, NULL);
	return true;
}

/* The rc of an end marker's tail " <name> rc=<rc>"; -1 if it has none. */
static int marker_rc(const char *rest)
{
	const char *rc = NULL;

	for (const char *p = strstr(rest, " rc="); p; p = strstr(p + 1, " rc="))
		rc = p;
	return rc ? (int)strtol(rc + 4, NULL, 10) : -1;
}

/* *rc is -1 if the end marker carries no "rc=". */
bool klog_test_ended(const struct klog *log, int index, int *rc)
{
	size_t begin = find_marker(log, 0, "begin", index, NULL);
	const char *rest = NULL;
	size_t end;

	/* An end belongs to the first begin; with no begin, any end counts. */
	end = find_marker(log, begin == log->n ? 0 : begin + 1, "end", index,
			  &rest);
	if (end == log->n)
		return false;
	if (rc)
		*rc = marker_rc(rest);
	return true;
}

/* ---- problems ---- */

static bool starts_with_any(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (starts_with(s, *prefixes))
			return true;
	return false;
}

/*
 * The header die() prints for a fatal exception: "Oops: 0002 [#1] ...",
 * "invalid opcode: 0000 [#1] ...", "divide error: 0000 [#1] ...".
 */
static bool is_die_header(const char *l)
{
	const char *p = l;

	while (isalpha((unsigned char)*p) || *p == ' ')
		p++;
	if (p == l || p[0] != ':' || p[1] != ' ')
		return false;
	p += 2;
	for (int i = 0; i < 4; i++, p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return starts_with(p, " [#") && isdigit((unsigned char)p[3]);
}

static bool is_oops(const char *l)
{
	static const char *const prefixes[] = {
		"Oops:", "Internal error: Oops", "general protection fault",
		"BUG: unable to handle ", "BUG: kernel NULL pointer dereference",
		"Unable to handle kernel ", NULL
	};

	return starts_with_any(l, prefixes) || is_die_header(l);
}

static bool is_kasan(const char *l)
{
	static const char *const prefixes[] = {
		"BUG: KASAN:", "BUG: KFENCE:", "BUG: KMSAN:", "BUG: KCSAN:",
		"UBSAN:", NULL
	};

	return starts_with_any(l, prefixes);
}

/* Soft/hard lockup from the watchdog, or an RCU CPU stall. */
static bool is_lockup(const char *l)
{
	const char *p = l;

	if (starts_with(p, "NMI watchdog: "))
		p += strlen("NMI watchdog: ");
	else if (starts_with(p, "watchdog: "))
		p += strlen("watchdog: ");
	if (starts_with(p, "BUG: soft lockup") ||
	    starts_with(p, "Watchdog detected hard LOCKUP"))
		return true;
	p = starts_with(l, "rcu: ") ? l + strlen("rcu: ") : l;
	return starts_with(p, "INFO: rcu") && strstr(p, "detected stall");
}

static bool is_hung_task(const char *l)
{
	return starts_with(l, "INFO: task ") &&
	       strstr(l, " blocked for more than ");
}

static bool is_kernel_bug(const char *l)
{
	return starts_with(l, "kernel BUG at") || starts_with(l, "Kernel BUG at");
}

/*
 * WARN_ON()'s "WARNING: CPU: 0 PID: 1 at file:line" (older kernels:
 * "WARNING: at file:line") and lockdep's reports; not pr_warn() text.
 */
static bool is_warning(const char *l)
{
	static const char *const prefixes[] = {
		"WARNING: at ", "WARNING: possible ",
		"WARNING: inconsistent lock state", "WARNING: suspicious RCU usage",
		"WARNING: bad unlock balance", "WARNING: held lock freed",
		"WARNING: lock held when returning to user space", NULL
	};

	if (starts_with(l, "WARNING: CPU: ") && strstr(l, " PID: "))
		return true;
	return starts_with_any(l, prefixes);
}

/* What a line says on its own, without looking at its neighbours. */
static enum kproblem line_problem(const char *l)
{
	if (starts_with(l, "Kernel panic - not syncing"))
		return KP_PANIC;
	if (is_oops(l))
		return KP_OOPS;
	if (is_kasan(l))
		return KP_KASAN;
	if (is_lockup(l))
		return KP_SOFT_LOCKUP;
	if (is_kernel_bug(l) || starts_with(l, "BUG: "))
		return KP_BUG;
	if (is_hung_task(l))
		return KP_HUNG_TASK;
	if (is_warning(l))
		return KP_WARNING;
	return KP_NONE;
}

static bool is_fatal_exception_panic(const char *l)
{
	return starts_with(l, "Kernel panic - not syncing: Fatal exception");
}

/*
 * Corrects line i's own verdict p with what came before it (worst so far):
 * - with oops=panic, die() ends in "Kernel panic - not syncing: Fatal
 *   exception" (or "... in interrupt"). That panic is the oops going fatal,
 *   not a problem of its own: it is reported as the oops that caused it, so
 *   it adds nothing after an oops or BUG report and counts as an oops if
 *   that report began before the slice.
 * - BUG() prints "kernel BUG at f:l!" and then die()'s "invalid opcode:
 *   0000 [#1]": that header belongs to the BUG report, not a new oops.
 */
static enum kproblem in_context(const struct klog *log, size_t i,
				enum kproblem p, enum kproblem worst)
{
	const char *l = log->lines[i];

	if (p == KP_PANIC && is_fatal_exception_panic(l))
		return worst >= KP_BUG ? KP_NONE : KP_OOPS;
	if (p == KP_OOPS && is_die_header(l) && i > 0 &&
	    is_kernel_bug(log->lines[i - 1]))
		return KP_NONE;
	return p;
}

/*
 * *line indexes s->log->lines (not the slice) and is the report's headline
 * ("BUG: kernel NULL pointer dereference", "WARNING: CPU: ..."), not the
 * "[ cut here ]" banner before it; the first report wins among equals.
 * With no problem *line is s->end.
 */
enum kproblem klog_find_problem(const struct kslice *s, size_t *line)
{
	enum kproblem worst = KP_NONE;
	size_t at = s->end;
	size_t end = s->log && s->end < s->log->n ? s->end :
		     s->log ? s->log->n : 0;

	for (size_t i = s->first; i < end; i++) {
		enum kproblem p = line_problem(s->log->lines[i]);

		if (p == KP_NONE)
			continue;
		p = in_context(s->log, i, p, worst);
		if (p > worst) {
			worst = p;
			at = i;
		}
	}
	if (line)
		*line = at;
	return worst;
}

const char *kproblem_name(enum kproblem p)
{
	switch (p) {
	case KP_NONE:		return "no problem";
	case KP_WARNING:	return "WARNING";
	case KP_HUNG_TASK:	return "hung task";
	case KP_SOFT_LOCKUP:	return "soft lockup";
	case KP_KASAN:		return "sanitizer report";
	case KP_BUG:		return "BUG";
	case KP_OOPS:		return "oops";
	case KP_PANIC:		return "panic";
	}
	return "unknown problem";
}

/* ---- call traces ---- */

enum frame_kind { NOT_FRAME, FRAME, UNRELIABLE_FRAME };

static bool is_symbol_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* Skips "[<ffffffff8130dadf>]" address columns (v4.x and older frames). */
static const char *skip_addresses(const char *p)
{
	while (p[0] == '[' && p[1] == '<') {
		const char *q = p + 2;

		while (isxdigit((unsigned char)*q))
			q++;
		if (q[0] != '>' || q[1] != ']')
			break;
		p = skip_spaces(q + 2);
	}
	return p;
}

/* Skips "+0x44/0x5c"; NULL if p does not start with one. */
static const char *skip_offset(const char *p)
{
	for (int part = 0; part < 2; part++) {
		if (*p != (part ? '/' : '+') || p[1] != '0' || p[2] != 'x' ||
		    !isxdigit((unsigned char)p[3]))
			return NULL;
		p += 3;
		while (isxdigit((unsigned char)*p))
			p++;
	}
	return p;
}

/* True if only " [module]" and/or blanks are left after a frame. */
static bool frame_tail_ok(const char *p)
{
	p = skip_spaces(p);
	if (*p == '[') {
		p = strchr(p, ']');
		if (!p)
			return false;
		p = skip_spaces(p + 1);
	}
	return *p == '\0';
}

/*
 * The symbol at p: a name followed by "+0x44/0x5c", or a bare "0xffff..."
 * (an address the kernel could not name). Sets [*start, *end) to the name
 * and returns what follows it, or NULL if p holds neither.
 */
static const char *parse_symbol(const char *p, const char **start,
				const char **end)
{
	*start = p;
	if (p[0] == '0' && p[1] == 'x') {
		for (p += 2; isxdigit((unsigned char)*p); p++)
			;
		*end = p;
		return p > *start + 2 ? p : NULL;
	}
	while (is_symbol_char(*p))
		p++;
	*end = p;
	return p > *start ? skip_offset(p) : NULL;
}

/*
 * Parses " dump_stack_lvl+0x44/0x5c", " ? foo+0x1/0x2 [mod]" or
 * " [<ffffffff8130dadf>] dump_stack+0x44/0x55". The name is stored as
 * [*name, +*len): everything up to "+", then cut at the first "." because
 * compiler clones (".isra.38", ".constprop.0", ".part.0", ".cold") differ
 * between builds and checkers need a stable name.
 */
static enum frame_kind parse_frame(const char *l, const char **name, size_t *len)
{
	const char *p = skip_addresses(skip_spaces(l));
	const char *start, *end, *dot;
	bool unreliable = false;

	if (p[0] == '?' && p[1] == ' ') {
		unreliable = true;
		p = skip_spaces(p + 2);
	}
	p = parse_symbol(p, &start, &end);
	if (!p || !frame_tail_ok(p))
		return NOT_FRAME;
	dot = memchr(start, '.', (size_t)(end - start));
	if (dot && dot > start)
		end = dot;
	*name = start;
	*len = (size_t)(end - start);
	return unreliable ? UNRELIABLE_FRAME : FRAME;
}

/*
 * Skips a context marker "<TASK>", "</IRQ>", "<NMI>", "<EOI>", ...; older
 * kernels print a frame after it on the same line, so the rest is returned.
 */
static const char *skip_context_marker(const char *l)
{
	const char *p = skip_spaces(l), *q;

	if (*p != '<')
		return l;
	q = p + 1 + (p[1] == '/');
	if (!isupper((unsigned char)*q) && *q != '#')
		return l;
	while (isupper((unsigned char)*q) || *q == '#' || *q == '_')
		q++;
	return *q == '>' ? q + 1 : l;
}

static bool is_trace_start(const char *l)
{
	l = skip_spaces(l);
	return strcmp(l, "Call Trace:") == 0 || strcmp(l, "Call trace:") == 0;
}

static int trace_add(struct ktrace *t, size_t *cap, const char *name,
		     size_t len, bool front)
{
	char *copy;

	if (t->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **v = realloc(t->frames, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->frames = v;
		*cap = ncap;
	}
	copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	if (front) {
		memmove(t->frames + 1, t->frames, t->n * sizeof(*t->frames));
		t->frames[0] = copy;
	} else {
		t->frames[t->n] = copy;
	}
	t->n++;
	return 0;
}

void ktrace_release(struct ktrace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->frames[i]);
	free(t->frames);
	t->frames = NULL;
	t->n = 0;
}

/*
 * Part of a register or stack dump: "RSP: 0018:...", "R10: ...", "FS:  ...",
 * "Code: ...", "Stack:" and v4.x's hex stack words.
 */
static bool is_dump_line(const char *l)
{
	const char *p = l;

	while (isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
	       islower((unsigned char)*p))
		p++;
	if (p > l && isupper((unsigned char)*l) && p - l <= 6 && *p == ':')
		return true;
	p = skip_spaces(l);
	if (p == l || !*p)
		return false;
	for (; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ' ')
			return false;
	return true;
}

/*
 * An oops, WARNING or soft lockup shows the function that was running only
 * in the kernel-mode "RIP: 0010:func+0x5/0x10 [mod]" of the register dump
 * just before "Call Trace:"; the trace starts at its caller. The function is
 * the innermost frame, so it is put first: checkers can then name it.
 */
static int add_rip_frame(const struct kslice *s, size_t trace_line,
			 struct ktrace *t, size_t *cap)
{
	size_t k = trace_line;
	const char *name;
	size_t len;

	while (k > s->first && !starts_with(s->log->lines[k - 1], "RIP: ") &&
	       is_dump_line(s->log->lines[k - 1]))
		k--;
	if (k == s->first || !starts_with(s->log->lines[k - 1], "RIP: 0010:"))
		return 0;
	if (parse_frame(s->log->lines[k - 1] + strlen("RIP: 0010:"), &name,
			&len) != FRAME)
		return 0;
	return trace_add(t, cap, name, len, true);
}

/*
 * Collects the frames after the "Call Trace:" at line i. Returns the line
 * that ended the block (the first that is neither frame nor marker), or
 * (size_t)-1 when out of memory.
 */
static size_t read_trace(const struct kslice *s, size_t i, size_t end,
			 struct ktrace *t)
{
	size_t cap = 0, j;

	t->frames = NULL;
	t->n = 0;
	if (add_rip_frame(s, i, t, &cap))
		return (size_t)-1;
	for (j = i + 1; j < end; j++) {
		const char *l = s->log->lines[j];
		const char *rest = skip_context_marker(l);
		const char *name;
		size_t len;

		if (rest != l && *skip_spaces(rest) == '\0')
			continue;
		switch (parse_frame(rest, &name, &len)) {
		case NOT_FRAME:
			return j;
		case UNRELIABLE_FRAME:
			continue;
		case FRAME:
			if (trace_add(t, &cap, name, len, false))
				return (size_t)-1;
		}
	}
	return j;
}

size_t klog_find_line(const struct kslice *s, size_t from, const char *prefix)
{
	for (size_t i = from; s->log && i < s->end; i++)
		if (starts_with(skip_spaces(s->log->lines[i]), prefix))
			return i;
	return s->end;
}

const char *klog_line_containing(const struct kslice *s, const char *text)
{
	for (size_t i = s->first; s->log && i < s->end; i++)
		if (strstr(s->log->lines[i], text))
			return s->log->lines[i];
	return NULL;
}

int klog_call_traces(const struct kslice *s, struct ktrace **out)
{
	size_t end = s->end < s->log->n ? s->end : s->log->n;
	struct ktrace *v = NULL;
	size_t cap = 0;
	int n = 0;

	*out = NULL;
	for (size_t i = s->first; i < end; ) {
		if (!is_trace_start(s->log->lines[i])) {
			i++;
			continue;
		}
		if ((size_t)n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct ktrace *bigger = realloc(v, ncap * sizeof(*v));

			if (!bigger)
				goto nomem;
			v = bigger;
			cap = ncap;
		}
		i = read_trace(s, i, end, &v[n]);
		if (i == (size_t)-1) {
			ktrace_release(&v[n]);
			goto nomem;
		}
		n++;
	}
	*out = v;
	return n;
nomem:
	ktraces_free(v, n);
	return -1;
}

void ktraces_free(struct ktrace *t, int n)
{
	for (int i = 0; i < n; i++)
		ktrace_release(&t[i]);
	free(t);
}

bool ktrace_has_sequence(const struct ktrace *t, const char *const *names,
			 size_t n)
{
	size_t want = 0;

	for (size_t i = 0; i < t->n && want < n; i++)
		if (strcmp(t->frames[i], names[want]) == 0)
			want++;
	return want == n;
}
