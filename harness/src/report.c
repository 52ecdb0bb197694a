// SPDX-License-Identifier: GPL-2.0
#include "report.h"
#include "symptom.h"

#include <CUnit/Basic.h>
#include <CUnit/MyMem.h>
#include <stdlib.h>
#include <string.h>

/* CUnit test functions take no arguments: they find their test here. */
static const struct report *current;

static void record(const char *name, bool passed, const char *why)
{
	if (current->results)
		fprintf(current->results, "%s\t%s\t%s\n", name,
			passed ? "PASS" : "FAIL", why ? why : "");
}

/* Did the last test fail? Its lesson ended with a blank line. */
static bool last_failed;

static void run_current_test(void)
{
	const char *name = CU_get_current_test()->pName;

	for (int i = 0; i < current->lab->ntests; i++) {
		struct judge j = {
			.test = &current->lab->tests[i],
			.result = &current->run->results[i],
			.kernel = current->kernel,
			.headers = current->headers,
			.module = current->module,
		};

		if (strcmp(name, j.test->name))
			continue;
		judge_run(&j);
		record(name, !j.failed, j.why);
		last_failed = j.failed;
	}
}

/*
 * CUnit's run summary ("Run Summary:" and its suites, tests and asserts
 * rows: the suite and CI read the tests row), less its elapsed time, which
 * is the judges' and always 0.
 */
static void print_run_summary(void)
{
	char *text = CU_get_run_results_string();

	for (char *p = text; p && *p;) {
		char *nl = strchrnul(p, '\n');

		if (strncmp(p, "Elapsed time", 12))
			printf("%.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
	CU_FREE(text);
}

/*
 * CUnit's basic runner would print its banner, each failure again after
 * its lesson, and the elapsed time: the plain one prints nothing. The
 * lessons are judge.c's.
 */
int report_judge_all(const struct report *r)
{
	CU_pSuite suite;
	int failed;

	current = r;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return -1;
	suite = CU_add_suite(r->lab->id, NULL, NULL);
	for (int i = 0; suite && i < r->lab->ntests; i++)
		CU_add_test(suite, r->lab->tests[i].name, run_current_test);
	printf("\n");
	last_failed = false;
	symptoms_find(r->lab, r->run->results);
	CU_run_all_tests();
	if (!last_failed)
		printf("\n");
	print_run_summary();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed;
}

void report_fail_all(const struct report *r, const char *why)
{
	current = r;
	for (int i = 0; i < r->lab->ntests; i++)
		record(r->lab->tests[i].name, false, why);
}

void report_boot_failure(const struct report *r)
{
	const struct klog *log = &r->run->logs[r->run->nboots - 1];
	size_t from = log->n > 15 ? log->n - 15 : 0;

	printf("%s; the console's last lines:\n", r->run->boot_failure);
	for (size_t i = from; i < log->n; i++)
		printf("    %s\n", log->lines[i]);
}

void report_summary(const struct report *r, int failed, double build_s,
		    double total_s)
{
	const struct suite_run *run = r->run;

	char resumed[48] = "";

	/* A resumed boot starts from a saved VM (snapshot.c). */
	if (run->nresumed)
		snprintf(resumed, sizeof(resumed), ", %d resumed", run->nresumed);
	printf("%s%s%s: %d of %d tests passed (build %.1f s, boot %.1f s in %d boot%s%s, tests %.1f s, total %.1f s)\n",
	       r->lab->id, r->label ? " " : "", r->label ? r->label : "",
	       r->lab->ntests - failed, r->lab->ntests, build_s,
	       run->boot_seconds, run->nboots, run->nboots == 1 ? "" : "s",
	       resumed, run->test_seconds, total_s);
}
