// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests for symptom.c: which failed data comparisons make a
 * diagnosis, which make none (a driver that passes, failures that do not
 * agree), and that the diagnosis is said in full once, then referred to.
 *
 * usage: test_symptom [LOGS_DIR]   (the suite's argument; unused)
 */
#include "lab.h"
#include "symptom.h"

#include "unit.h"

#include <string.h>

static const struct symptom_hints hints = {
	.wrong_page = "TODO page",
	.holes = "TODO holes",
};

static const struct lab_test tests[] = {
	{ .name = "first" }, { .name = "second" }, { .name = "third" },
};

static const struct lab lab = {
	.id = "labXX",
	LAB_TESTS(tests),
	.symptoms = &hints,
};

/* A data comparison r that read sector S as written for from. */
#define MISMATCH(s, hole, from) \
	"r_read=ok\nr=no: byte " #s "000 (sector " #s ") reads 30, expected 31\n" \
	"r_hole=" hole "\nr_from=" from "\n"

/* Diagnoses the three outputs; the symptom of test i's comparison r. */
static bool diagnose(const char *out0, const char *out1, const char *out2,
		     int i, const char **text, const char **todo)
{
	struct test_result results[3] = {
		{ .output = (char *)out0 }, { .output = (char *)out1 },
		{ .output = (char *)out2 },
	};
	struct judge j = { .test = &tests[i], .result = &results[i] };

	symptoms_find(&lab, results);
	*text = *todo = NULL;
	return symptom_of(&j, "r", text, todo);
}

static void wrong_page_said_once(void)
{
	struct test_result results[3] = {
		{ .output = MISMATCH(8, "no", "sector 16") },
		{ .output = "r=yes\n" },
		{ .output = MISMATCH(1, "no", "zeros") },
	};
	struct judge j0 = { .test = &tests[0], .result = &results[0] };
	struct judge j2 = { .test = &tests[2], .result = &results[2] };
	const char *text, *todo;

	symptoms_find(&lab, results);
	CU_ASSERT_FATAL(symptom_of(&j0, "r", &text, &todo));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "a whole number of pages"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "first: sector 8 reads what was written for sector 16"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "in 2 data tests (first, third)"));
	CU_ASSERT_STRING_EQUAL(todo, "TODO page");
	CU_ASSERT_FATAL(symptom_of(&j2, "r", &text, &todo));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "the same as in first above"));
	CU_ASSERT_PTR_NULL(todo);
}

static void holes_alone(void)
{
	const char *text, *todo;

	CU_ASSERT_FATAL(diagnose(MISMATCH(48, "yes", "sector 40"), "",
				 MISMATCH(9, "yes", "nowhere"), 0, &text,
				 &todo));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "never written read as old data"));
	CU_ASSERT_STRING_EQUAL(todo, "TODO holes");
}

/* Holes and written data read as zeros: no single cause. */
static void holes_and_lost_data(void)
{
	const char *text, *todo;

	CU_ASSERT(!diagnose(MISMATCH(48, "yes", "sector 40"),
			    MISMATCH(13, "no", "zeros"), "", 0, &text, &todo));
}

/* Another sector of the same page, data from nowhere: no rule. */
static void no_rule(void)
{
	const char *text, *todo;

	CU_ASSERT(!diagnose(MISMATCH(9, "no", "sector 13"),
			    MISMATCH(7, "no", "nowhere"),
			    MISMATCH(5, "no", "several"), 0, &text, &todo));
}

/* A driver that passes: nothing to diagnose. */
static void all_passed(void)
{
	const char *text, *todo;

	CU_ASSERT(!diagnose("r_read=ok\nr=yes\n", "r=yes\n", "", 0, &text,
			    &todo));
}

int main(void)
{
	static const struct unit_test cases[] = {
		{ "wrong page, said once", wrong_page_said_once },
		{ "holes alone", holes_alone },
		{ "holes and lost data", holes_and_lost_data },
		{ "no rule applies", no_rule },
		{ "all passed", all_passed },
	};

	return unit_run("symptom", UNIT_TESTS(cases));
}
