/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker's report: each test judged as a CUnit test (PASS or its
 * lesson, once), CUnit's run summary table, the results file (a line
 * "name<TAB>PASS|FAIL<TAB>why" per test, for grade.sh and the suite) and
 * the last line, "<lab>: N of M tests passed (build ..., total ...)".
 */
#ifndef MYBRD_REPORT_H
#define MYBRD_REPORT_H

#include "lab.h"
#include "suite.h"

#include <stdio.h>

struct report {
	const struct lab *lab;
	const struct suite_run *run;
	const char *kernel;	/* the release, for the judges */
	const char *headers;	/* its headers (KDIR), for the judges */
	const char *module;	/* the mybrd.ko under test, for the judges */
	const char *label;	/* "solution", a student's name, or NULL */
	FILE *results;		/* or NULL */
};

/* Judges every test of the run; returns how many failed, -1 on error. */
int report_judge_all(const struct report *r);

/* Without a module there is nothing to boot: every test fails for why. */
void report_fail_all(const struct report *r, const char *why);

/* The VM never got ready: why, and the console's last lines. */
void report_boot_failure(const struct report *r);

void report_summary(const struct report *r, int failed, double build_s,
		    double total_s);

#endif
