// SPDX-License-Identifier: GPL-2.0
#include "flood.h"
#include "format.h"
#include "symbolize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A flood: this many lines at least, at this rate at least. */
#define FLOOD_MIN_LINES 2000
#define FLOOD_MIN_RATE 200.0
/* What floods is read in the slice's last lines only. */
#define FLOOD_WINDOW 20000


static bool is_marker(const char *l)
{
	return !strncmp(l, KLOG_MARKER, strlen(KLOG_MARKER));
}

/* The line with digit runs (and 0x... hex) as "#": its form. */
static char *shape_of(const char *l)
{
	size_t n = strlen(l), o = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		bool hex = l[i] == '0' && l[i + 1] == 'x';

		if (!isdigit((unsigned char)l[i])) {
			out[o++] = l[i++];
			continue;
		}
		if (hex) {
			out[o++] = '0';
			out[o++] = 'x';
			i += 2;
		}
		while (i < n && (hex ? isxdigit((unsigned char)l[i]) :
				 isdigit((unsigned char)l[i])))
			i++;
		out[o++] = '#';
	}
	out[o] = '\0';
	return out;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The most frequent form among lines [from, end): an instance of it. */
static const char *most_repeated(const struct kslice *s, size_t from)
{
	size_t n = 0, best = 0, run = 0, best_at = 0;
	char **shapes = calloc(s->end - from + 1, sizeof(*shapes));
	const char *sample = NULL;

	if (!shapes)
		return NULL;
	for (size_t i = from; i < s->end; i++)
		if (!is_marker(s->log->lines[i]))
			shapes[n++] = shape_of(s->log->lines[i]);
	for (size_t i = 0; i < n; i++)
		if (!shapes[i])
			return NULL;
	qsort(shapes, n, sizeof(*shapes), compare_strings);
	for (size_t i = 0; i < n; i++) {
		run = i && !strcmp(shapes[i], shapes[i - 1]) ? run + 1 : 1;
		if (run > best) {
			best = run;
			best_at = i;
		}
	}
	for (size_t i = s->end; n && i-- > from;) {
		char *form = shape_of(s->log->lines[i]);

		if (form && !strcmp(form, shapes[best_at]))
			sample = s->log->lines[i];
		free(form);
		if (sample)
			break;
	}
	for (size_t i = 0; i < n; i++)
		free(shapes[i]);
	free(shapes);
	return sample;
}

/* The frames that print a trace, not the code that asked for it. */
static bool is_dump_frame(const char *f)
{
	static const char *const dumpers[] = {
		"dump_stack_lvl", "dump_stack", "__dump_stack", "show_stack",
		"show_trace_log_lvl", "__warn", "warn_slowpath_fmt",
		"report_bug", "handle_bug", "exc_invalid_op",
		"asm_exc_invalid_op", NULL,
	};

	for (const char *const *d = dumpers; *d; d++)
		if (!strcmp(f, *d))
			return true;
	return false;
}

/*
 * Most of the window's lines are call traces: the function most of them
 * come from (the first frame after the dumping ones), into f->source.
 */
static bool traces_source(const struct kslice *w, struct flood *f)
{
	struct ktrace *t;
	int n = klog_call_traces(w, &t), best = 0;
	const char *caller = NULL;
	bool dumped = false;

	for (int i = 0; i < n; i++) {
		const char *c = NULL;
		int same = 0;

		for (size_t k = 0; k < t[i].n && !c; k++)
			if (!is_dump_frame(t[i].frames[k]))
				c = t[i].frames[k];
		for (int k = 0; c && k < n; k++)
			for (size_t m = 0; m < t[k].n; m++)
				if (!is_dump_frame(t[k].frames[m])) {
					same += !strcmp(t[k].frames[m], c);
					break;
				}
		if (same > best) {
			best = same;
			caller = c;
			dumped = t[i].n && !strncmp(t[i].frames[0], "dump_stack", 10);
		}
		if (best > n / 2)
			break;
	}
	/* A trace is some twenty lines: a few in a window is no flood of them. */
	if (n >= 10 && caller)
		snprintf(f->source, sizeof(f->source), " with %s from %s()",
			 dumped ? "dump_stack()" : "call traces", caller);
	ktraces_free(t, n > 0 ? n : 0);
	return f->source[0];
}

/* The first word of line that is a function of module ko: "from it()". */
static void function_in(const char *line, const char *ko, struct flood *f)
{
	for (const char *p = line; *p;) {
		size_t n = 0;
		char word[128];

		while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '_'))
			n++;
		if (n && n < sizeof(word) && !isdigit((unsigned char)*p)) {
			snprintf(word, sizeof(word), "%.*s", (int)n, p);
			if (module_has_function(ko, word)) {
				snprintf(f->source, sizeof(f->source),
					 " from %s()", word);
				return;
			}
		}
		p += n ? n : 1;
	}
}

/* Had the slice's last load begun and not returned? */
static bool loading_at_end(const struct kslice *s)
{
	for (size_t i = s->end; i-- > s->first;) {
		const char *l = s->log->lines[i];

		if (!strcmp(l, KLOG_MARKER "loaded"))
			return false;
		if (!strcmp(l, KLOG_MARKER "loading"))
			return true;
	}
	return false;
}

/* Lines, lost ones included (the reader's gaps in record numbers). */
static void count(const struct kslice *s, struct flood *f)
{
	long long first = -1, last = -1, seq0 = -1, seq1 = -1, lines = 0;

	for (size_t i = s->first; i < s->end; i++) {
		if (is_marker(s->log->lines[i]))
			continue;
		lines++;
		if (s->log->usec[i] >= 0) {
			first = first < 0 ? s->log->usec[i] : first;
			last = s->log->usec[i];
		}
		if (s->log->seq[i] >= 0) {
			seq0 = seq0 < 0 ? s->log->seq[i] : seq0;
			seq1 = s->log->seq[i];
		}
	}
	f->lines = seq0 >= 0 && seq1 - seq0 + 1 > lines ? seq1 - seq0 + 1 : lines;
	f->seconds = first >= 0 ? (double)(last - first) / 1e6 : 0;
}

bool find_flood(const struct kslice *s, const char *ko, struct flood *f)
{
	size_t from;
	const char *sample;

	memset(f, 0, sizeof(*f));
	if (!s->log || s->end > s->log->n)
		return false;
	count(s, f);
	if (f->lines < FLOOD_MIN_LINES || f->seconds <= 0 ||
	    f->lines / f->seconds < FLOOD_MIN_RATE)
		return false;
	from = s->end - s->first > FLOOD_WINDOW ? s->end - FLOOD_WINDOW :
	       s->first;
	struct kslice window = { s->log, from, s->end };

	sample = most_repeated(&window, from);
	if (sample)
		snprintf(f->sample, sizeof(f->sample), "%s", sample);
	if (!traces_source(&window, f) && sample)
		function_in(sample, ko, f);
	f->in_insmod = loading_at_end(s);
	return true;
}

char *flood_sentence(const struct flood *f)
{
	return strdupf("your driver is flooding the kernel log%s: %.0f lines a second (%lld in the %.1f s the checker saw)%s%s%s%s",
		       f->source, f->lines / f->seconds, f->lines, f->seconds,
		       f->sample[0] ? ", most of them like \"" : "",
		       f->sample, f->sample[0] ? "\"" : "",
		       f->in_insmod ? ", and insmod has not returned" : "");
}

char *flood_key(const struct flood *f)
{
	char *form = shape_of(f->sample);
	char *key = strdupf("flood %s|%s|%d", f->source, form ? form : "",
			    f->in_insmod);

	free(form);
	return key;
}

char *flood_note(const struct test_result *results, int n, const char *ko)
{
	struct flood first = { 0 }, f;
	long long lines = 0;
	double seconds = 0;
	int tests = 0;

	for (int i = 0; i < n; i++) {
		if (!results[i].ended || !find_flood(&results[i].dmesg, ko, &f))
			continue;
		if (!tests++)
			first = f;
		lines += f.lines;
		seconds += f.seconds;
	}
	if (!tests)
		return NULL;
	return strdupf("note: your driver wrote %lld lines to the kernel log%s, in %d test%s (%.0f a second%s%s%s); the tests passed, but printing took %.1f s of them. Take debug lines out once they have done their job, or put them behind a switch that is off by default (lab 05's trace=).",
		       lines, first.source, tests, tests == 1 ? "" : "s",
		       lines / seconds,
		       first.sample[0] ? ", most of them like \"" : "",
		       first.sample, first.sample[0] ? "\"" : "", seconds);
}
