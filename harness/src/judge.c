// SPDX-License-Identifier: GPL-2.0
#include "judge.h"
#include "debug_report.h"
#include "diagnose.h"
#include "lab.h"

#include <CUnit/CUnit.h>
#include <ctype.h>
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

/* A stalled task's stack, as one line of frames (the dump is long). */
static bool print_stall_stack(const struct test_result *r)
{
	char *stack = stall_stack(&r->dmesg);

	if (!stack)
		return false;
	printf("      stack:    %s\n", stack);
	free(stack);
	return true;
}

static void print_dmesg(const struct test_result *r)
{
	struct kslice s_before = r->dmesg;
	const struct kslice *s = &s_before;
	size_t at, from = s->first, shown = 0;

	if (!s->log)
		return;
	/* A stall: the lines before its dump, then the stack in one line. */
	s_before.end = stall_start(&r->dmesg);
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
	print_stall_stack(r);
}

/*
 * What the test's commands said (errors, mostly). Facts are the judge's:
 * the one that failed is in "seen".
 */
static void print_output(const struct test_result *r)
{
	const char *out = r->output ? r->output : "";
	int shown = 0;

	for (const char *p = out; *p && shown < 8;) {
		const char *nl = strchrnul(p, '\n');

		if (nl > p && !is_fact_line(p, nl - p)) {
			printf("      %s %.*s\n",
			       shown ? "         " : "output:  ",
			       (int)(nl - p), p);
			shown++;
		}
		p = *nl ? nl + 1 : nl;
	}
}

/* A lesson stands between blank lines: one between two lessons. */
static bool after_lesson;

/* Prints the lesson and records the failure with CUnit. */
static bool fail(struct judge *j, const char *expected, const char *seen)
{
	char msg[1200];

	j->failed = true;
	snprintf(j->why, sizeof(j->why), "expected %.100s; seen %.130s",
		 expected, seen);
	printf("%s  FAIL  %s: %s\n", after_lesson ? "" : "\n", j->test->name,
	       j->test->behaviour);
	printf("      expected: %s\n", expected);
	printf("      seen:     %s\n", seen);
	print_output(j->result);
	if (!j->quiet_dmesg)
		print_dmesg(j->result);
	if (j->symptom) {
		printf("      symptom:  %s\n", j->symptom);
		if (j->symptom_todo)
			printf("      hint:     %s\n", j->symptom_todo);
	} else if (j->hint || j->test->hint) {
		printf("      hint:     %s\n", j->hint ? j->hint : j->test->hint);
	}
	printf("\n");
	after_lesson = true;
	snprintf(msg, sizeof(msg), "%s: expected %s; seen %s", j->test->name,
		 expected, seen);
	CU_assertImplementation(CU_FALSE, 0, msg, j->test->name, "", CU_FALSE);
	return false;
}

bool expect_that(struct judge *j, bool cond, const char *expected,
		 const char *seen_fmt, ...)
{
	char seen[1024];
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
	/* A diagnosed stall says what never ended: the test's hint is moot. */
	if (j->result->flooding) {
		judge_hint(j, "printing is slow on the checker's emulated CPU: print per bio only when a parameter asks for it (off by default), never in a loop");
		/* The sentence quotes the line that floods. */
		j->quiet_dmesg = true;
	} else if (j->result->stalled[0] && !j->result->crashed) {
		judge_hint(j, "the stack shows where it waits, innermost first; the sentence above says what for");
	}
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

bool is_fact_line(const char *line, size_t len)
{
	size_t n = 0;

	if (!len || !(isalpha((unsigned char)line[0]) || line[0] == '_'))
		return false;
	while (n < len && (isalnum((unsigned char)line[n]) || line[n] == '_'))
		n++;
	return n < len && line[n] == '=';
}

/* Every "key=value" line of the output, in order. */
static void parse_facts(struct judge *j)
{
	const char *p = j->result->output;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n');
		size_t len = nl - p;

		if (is_fact_line(p, len)) {
			struct fact *f = realloc(j->facts, (j->nfacts + 1) *
						 sizeof(*f));
			size_t klen = strcspn(p, "=");

			if (!f)
				break;
			j->facts = f;
			f[j->nfacts].key = strndup(p, klen);
			f[j->nfacts].value = strndup(p + klen + 1,
						     len - klen - 1);
			j->nfacts++;
		}
		p = *nl ? nl + 1 : nl;
	}
}

static void free_facts(struct judge *j)
{
	for (int i = 0; i < j->nfacts; i++) {
		free(j->facts[i].key);
		free(j->facts[i].value);
	}
	free(j->facts);
	j->facts = NULL;
	j->nfacts = 0;
}

const char *fact_of(const struct judge *j, const char *key)
{
	for (int i = 0; i < j->nfacts; i++)
		if (j->facts[i].key && !strcmp(j->facts[i].key, key))
			return j->facts[i].value;
	return NULL;
}

bool is_number(const char *s)
{
	if (!s)
		return false;
	s += *s == '-';
	return *s && strspn(s, "0123456789") == strlen(s);
}

bool fact_number(const struct judge *j, const char *key, long *out)
{
	const char *v = fact_of(j, key);

	if (!is_number(v))
		return false;
	*out = strtol(v, NULL, 10);
	return true;
}

bool expect_number(struct judge *j, const char *key, long want,
		   const char *expected)
{
	return expect_number_in(j, key, want, want, expected);
}

bool expect_number_in(struct judge *j, const char *key, long lo, long hi,
		      const char *expected)
{
	const char *v = fact_of(j, key);
	long n = 0;
	bool ok = fact_number(j, key, &n) && n >= lo && n <= hi;

	return expect_that(j, ok, expected, "%s=%s", key,
			   v ? v : "(not printed)");
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

/*
 * A failure that an earlier lesson explains: one line "TAG  name:
 * behaviour: detail", recorded with CUnit and in the results file (why).
 */
static void fail_in_one_line(struct judge *j, const char *tag,
			     const char *detail)
{
	char msg[512];

	j->failed = true;
	printf("  %s  %s: %s: %s\n", tag, j->test->name, j->test->behaviour,
	       detail);
	after_lesson = false;
	snprintf(msg, sizeof(msg), "%s: %s", j->test->name, j->why);
	CU_assertImplementation(CU_FALSE, 0, msg, j->test->name, "", CU_FALSE);
}

/* A test that one root cause kept from running. */
static void not_run(struct judge *j)
{
	const char *verb = j->result->crashed ? "crashes" :
			   j->result->flooding ? "floods the kernel log" :
			   "hangs";
	char detail[256];

	snprintf(j->why, sizeof(j->why), "not run: %s %s the same way in every test (see %s)",
		 j->result->stalled, verb, j->result->blocked_by);
	snprintf(detail, sizeof(detail), "not run, %s %s the same way in every test (see %s)",
		 j->result->stalled, verb, j->result->blocked_by);
	fail_in_one_line(j, "SKIP", detail);
}

/*
 * The same hang, crash or flood as an earlier test: its lesson, with the
 * kernel's report, is not repeated.
 */
static void same_hang(struct judge *j)
{
	const struct test_result *r = j->result;
	enum kproblem p = r->dmesg.log ?
			  klog_find_problem(&r->dmesg, NULL) : KP_NONE;
	char detail[256];

	snprintf(j->why, sizeof(j->why), "%.200s (as in %s)", r->cause,
		 r->same_as);
	if (r->crashed && p != KP_NONE)
		snprintf(detail, sizeof(detail), "the same %s as in %s, above",
			 kproblem_name(p), r->same_as);
	else
		snprintf(detail, sizeof(detail), "it %s the same way as %s, above",
			 r->crashed ? "crashed" : r->flooding ?
			 "flooded the kernel log" : "hung", r->same_as);
	fail_in_one_line(j, "FAIL", detail);
}

/*
 * The first test that met the bug key names (the judge's tests run in
 * order, once per process), or NULL: then this one is, from now on.
 */
static const char *met_before(const char *key, const char *test)
{
	static struct { char *key; const char *test; } met[32];
	static int n;

	for (int i = 0; i < n; i++)
		if (!strcmp(met[i].key, key))
			return met[i].test;
	if (n < 32) {
		met[n].key = strdup(key);
		met[n++].test = test;
	}
	return NULL;
}

/*
 * A report of the debug kernel (DEBUG=1) fails any test, whatever its
 * judge would check: the bug's kind, where in the driver, and its hint;
 * a test that meets the same bug again refers to the first.
 */
static bool expect_no_debug_report(struct judge *j)
{
	struct debug_report d;
	char *sentence, *key;
	const char *first;
	bool ok = false;

	if (!find_debug_report(&j->result->dmesg, j->module, &d))
		return true;
	sentence = debug_report_sentence(&d);
	key = debug_report_key(&d);
	first = met_before(key, j->test->name);
	if (first) {
		char detail[600];

		snprintf(j->why, sizeof(j->why), "%.200s (as in %s)",
			 sentence, first);
		snprintf(detail, sizeof(detail), "%.400s: the same as in %s, above",
			 sentence, first);
		fail_in_one_line(j, "FAIL", detail);
	} else {
		judge_hint(j, d.hint);
		ok = expect_that(j, false, "no report from the debug kernel (KASAN, lockdep, might_sleep, debug objects, pages held after exit)",
				 "%s", sentence);
		judge_hint(j, NULL);
	}
	free(sentence);
	free(key);
	debug_report_free(&d);
	return ok;
}

void judge_run(struct judge *j)
{
	if (j->result->blocked_by) {
		not_run(j);
		return;
	}
	if (j->result->same_as) {
		same_hang(j);
		return;
	}
	parse_facts(j);
	/*
	 * A crash or hang is the lesson, whatever the judge would check; a
	 * debug kernel's report comes first: a crash after it (a sleep in
	 * atomic context can oops later) is its consequence.
	 */
	if (expect_no_debug_report(j) && expect_ended(j)) {
		if (j->test->judge)
			j->test->judge(j);
		else
			expect_ok(j);
		if (!j->failed) {
			printf("  PASS  %s: %s\n", j->test->name,
			       j->test->behaviour);
			after_lesson = false;
		}
	}
	free_facts(j);
}
