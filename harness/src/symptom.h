/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hints by symptom. A data comparison that fails (same() in
 * harness/guest/data.sh: KEY=no: byte B (sector S) ...) also says where the
 * data read in that first wrong sector belongs: KEY_from=sector T (rnd()
 * tags every sector it makes), zeros or nowhere, and KEY_hole=yes when
 * zeros were expected there. Read over all the lab's tests before they are
 * judged, the comparisons show one pattern or none:
 *
 *   wrong page    some sector reads data written for a sector a whole
 *                 number of pages away (T - S a multiple of 8): every
 *                 segment at the first one's sector, a page index that is
 *                 not sector >> 3, one page for everything;
 *   holes         every comparison that failed expected zeros and read
 *                 data: a chunk without a page is not zeroed.
 *
 * Data read as zeros, or from nowhere the test wrote, names no cause (a
 * lost write, a wrong offset, a wrong page...): no diagnosis from them. A
 * driver that passes its data tests has no failed comparison, so nothing
 * is diagnosed.
 * With a diagnosis, each failed comparison's lesson says the symptom
 * instead of the test's fixed hint: the first in full with the lab's TODO
 * for it, the others as "the same as in <test> above".
 */
#ifndef MYBRD_SYMPTOM_H
#define MYBRD_SYMPTOM_H

#include "judge.h"

struct lab;

/* A lab's TODO for each symptom (NULL: no diagnosis of that one). */
struct symptom_hints {
	const char *wrong_page;
	const char *holes;
};

/*
 * The hints of a lab whose data path is all given code (labs 04-06): the
 * earlier labs' loop and store, unchanged.
 */
extern const struct symptom_hints symptom_hints_given;

/* Reads the failed comparisons of every test; once, before the judges. */
void symptoms_find(const struct lab *lab, const struct test_result *results);

/*
 * For a failing comparison KEY of the test being judged: the symptom's
 * sentence and, the first time, the lab's TODO for it (else NULL). False
 * if no diagnosis covers it.
 */
bool symptom_of(const struct judge *j, const char *key, const char **text,
		const char **todo);

#endif
