/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a CUnit program of harness/tests/ does: registers its named tests
 * (one suite: unit_run(); several: its own, then unit_run_registered()),
 * runs them verbosely (the suite reads the summary's "tests" row) and
 * returns the exit status: 0 all passed, 1 one failed, 2 CUnit could not
 * start.
 */
#ifndef MYBRD_UNIT_H
#define MYBRD_UNIT_H

#include <CUnit/Basic.h>
#include <stddef.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TESTS(array) (array), sizeof(array) / sizeof((array)[0])

/* Runs the tests registered, frees the registry: the exit status. */
static inline int unit_run_registered(void)
{
	unsigned int failed;

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

static inline int unit_run(const char *suite, const struct unit_test *t,
			   size_t n)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(suite, NULL, NULL);
	for (size_t i = 0; s && i < n; i++)
		if (!CU_add_test(s, t[i].name, t[i].fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 2;
	}
	return unit_run_registered();
}

#endif
