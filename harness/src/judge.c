// SPDX-License-Identifier: GPL-2.0
#include "judge.h"
#include "lab.h"

#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DMESG_LINES 16

/* CPU registers and code bytes of a report: they teach little here. */
static bool is_register_dump(const char *line)
{
	static const char *const prefixes[] = {
		"RSP:", "RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:",
		"CR2:", "DR0:", "DR3:", "Code:", "Hardware name:", "PKRU:",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	/* "? func+0x..." frames are stale stack words, not calls. */
	return !strncmp(line, " ? ", 3);
}

/* Kernel lines every out-of-tree module causes: not worth a student's time. */
static bool is_noise(const char *line)
{
	return strstr(line, "loading out-of-tree module taints kernel") ||
	       strstr(line, "module verification failed") ||
	       strncmp(line, "mybrd-check: ", 13) == 0 ||
	       is_register_dump(line);
}

static void print_dmesg(const struct test_result *r)
{
	const struct kslice *s = &r->dmesg;
	size_t at, from = s->first, shown = 0;

	if (!s->log)
		return;
	/* A problem's report is what matters; otherwise the latest lines. */
	if (klog_find_problem(s, &at) != KP_NONE)
		from = at;
	else if (s->end - s->first > DMESG_LINES)
		from = s->end - DMESG_LINES;
	for (size_t i = from; i < s->end && shown < DMESG_LINES; i++) {
		if (is_noise(s->log->lines[i]))
			continue;
		printf("      %s %s\n", shown ? "         " : "dmesg:   ",
		       s->log->lines[i]);
		shown++;
	}
	if (!shown)
		printf("      dmesg:    (nothing)\n");
}

static void print_output(const struct test_result *r)
{
	const char *out = r->output ? r->output : "";
	int shown = 0;

	for (const char *p = out; *p && shown < 8; shown++) {
		const char *nl = strchrnul(p, '\n');

		printf("      %s %.*s\n", shown ? "         " : "output:  ",
		       (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* Prints the lesson and records the failure with CUnit. */
static bool fail(struct judge *j, const char *expected, const char *seen)
{
	char msg[1200];

	j->failed = true;
	snprintf(j->why, sizeof(j->why), "expected %.100s; seen %.130s",
		 expected, seen);
	printf("\n  FAIL  %s: %s\n", j->test->name, j->test->behaviour);
	printf("      expected: %s\n", expected);
	printf("      seen:     %s\n", seen);
	print_output(j->result);
	print_dmesg(j->result);
	if (j->hint || j->test->hint)
		printf("      hint:     %s\n", j->hint ? j->hint : j->test->hint);
	snprintf(msg, sizeof(msg), "%s: expected %s; seen %s", j->test->name,
		 expected, seen);
	CU_assertImplementation(CU_FALSE, 0, msg, j->test->name, "", CU_FALSE);
	return false;
}

bool expect_that(struct judge *j, bool cond, const char *expected,
		 const char *seen_fmt, ...)
{
	char seen[512];
	va_list ap;

	if (j->failed)
		return false;
	if (cond) {
		CU_assertImplementation(CU_TRUE, 0, expected, j->test->name, "",
					CU_FALSE);
		return true;
	}
	va_start(ap, seen_fmt);
	vsnprintf(seen, sizeof(seen), seen_fmt, ap);
	va_end(ap);
	return fail(j, expected, seen);
}

bool expect_clean_dmesg(struct judge *j)
{
	size_t at;
	enum kproblem p = klog_find_problem(&j->result->dmesg, &at);

	return expect_that(j, p == KP_NONE,
			   "no oops, BUG, WARNING or panic in dmesg",
			   "a kernel %s: %s", kproblem_name(p),
			   p ? j->result->dmesg.log->lines[at] : "");
}

static bool expect_ended(struct judge *j)
{
	return expect_that(j, j->result->ended, "the test runs to its end",
			   "%s", j->result->cause ? j->result->cause :
			   "it did not run");
}

bool expect_ok(struct judge *j)
{
	return expect_ended(j) && expect_clean_dmesg(j) &&
	       expect_that(j, j->result->rc == 0, "exit status 0",
			   "exit status %d", j->result->rc);
}

const char *fact_of(const struct judge *j, const char *key)
{
	/* A few buffers, so two facts can be compared in one expression. */
	static char values[4][256];
	static int next;
	size_t klen = strlen(key);
	const char *p = j->result->output;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			char *v = values[next++ % 4];

			snprintf(v, sizeof(values[0]), "%.*s",
				 (int)(strchrnul(p, '\n') - p - klen - 1),
				 p + klen + 1);
			return v;
		}
	}
	return NULL;
}

bool output_has(const struct judge *j, const char *text)
{
	return j->result->output && strstr(j->result->output, text);
}

bool expect_fact(struct judge *j, const char *key, const char *want,
		 const char *expected)
{
	const char *v = fact_of(j, key);

	return expect_that(j, v && strcmp(v, want) == 0, expected, "%s=%s",
			   key, v ? v : "(not printed)");
}

void judge_hint(struct judge *j, const char *hint)
{
	j->hint = hint;
}

void judge_run(struct judge *j)
{
	/* A crash or hang is the lesson, whatever the judge would check. */
	if (!expect_ended(j))
		return;
	if (j->test->judge)
		j->test->judge(j);
	else
		expect_ok(j);
	if (!j->failed)
		printf("  PASS  %s: %s\n", j->test->name, j->test->behaviour);
}
