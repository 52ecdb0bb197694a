/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a boot's tests did, as the run's results: each test's output, status
 * and slice of dmesg, and for a test that never ended (or never began) one
 * plain sentence saying why.
 */
#ifndef MYBRD_RESULTS_H
#define MYBRD_RESULTS_H

#include "boot.h"
#include "suite.h"

/*
 * Copies what this boot's tests did into the run's results; returns the
 * test the next boot starts with (run->ntests: none).
 */
int collect(struct suite_run *run, const struct suite_config *cfg,
	    const struct boot *b, const struct watch *w, int first);

/* Why the VM never got ready, from its console log. */
char *boot_cause(const struct suite_config *cfg, const struct klog *log,
		 bool killed);

/* Every test from first on that did not run fails for why. */
void fail_remaining(struct suite_run *run, int first, const char *why);

/*
 * Did test i hang (or flood) as the test that hung before it did, stuck in
 * insmod or rmmod? The earlier test's index, or -1.
 */
int same_hang_again(const struct suite_run *run, int i);

/*
 * Test i stopped as an earlier test did, with the same cause (the same
 * oops, the same hang): it refers to the first of them, whose lesson
 * shows the report, instead of repeating it.
 */
void refer_to_same(struct suite_run *run, const struct lab *lab, int i);

/* Tests after i are not run: they would hang as test first did. */
void block_remaining(struct suite_run *run, const struct lab *lab, int i,
		     int first);

#endif
