/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every test runs the guest shell function of its name, and every guest
 * shell file is sourced together with the lab's tests.sh. Before anything
 * boots, this reads those files once and finds a test whose function no
 * file defines (a typo in a new test) or a function two files define (one
 * would silently replace the other).
 */
#ifndef MYBRD_TEST_FUNCTIONS_H
#define MYBRD_TEST_FUNCTIONS_H

#include "lab.h"

#include <stdbool.h>
#include <stddef.h>

/* One "name() {" line: the function and the file that defines it. */
struct shell_function {
	char *name;
	const char *file;
};

struct shell_functions {
	char **files;		/* tests.sh first, then harness/guest/ *.sh */
	int nfiles;
	struct shell_function *fn;
	int n;
};

/* Reads tests_sh (may be NULL) and guest_dir's *.sh; 0 or -errno. */
int shell_functions_load(struct shell_functions *sf, const char *tests_sh,
			 const char *guest_dir);
void shell_functions_free(struct shell_functions *sf);

/*
 * A function defined in two of the files: writes "NAME() is defined in A
 * and in B" into why and returns true; false if every name is defined once.
 */
bool shell_function_twice(const struct shell_functions *sf, char *why,
			  size_t size);

/* The first test of lab that no file defines a function for, or NULL. */
const char *test_without_function(const struct lab *lab,
				  const struct shell_functions *sf);

#endif
