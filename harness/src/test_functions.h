/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every test runs the guest shell function of its name: this finds, before
 * anything boots, a test whose function no shell file defines, so a typo in
 * a new test is named at once instead of failing in the VM.
 */
#ifndef MYBRD_TEST_FUNCTIONS_H
#define MYBRD_TEST_FUNCTIONS_H

#include "lab.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The first test of lab whose function "name() {" is in
 * neither tests_sh nor a harness/guest/ *.sh file of guest_dir; NULL if
 * every test has one.
 */
const char *test_without_function(const struct lab *lab, const char *tests_sh,
				  const char *guest_dir);

/*
 * A shell function defined in two of the files tests_sh and guest_dir's
 * *.sh (they are all sourced together, so one would silently replace the
 * other): writes "NAME() is defined in A and in B" into why and returns
 * true; false if every name is defined once.
 */
bool shell_function_twice(const char *tests_sh, const char *guest_dir,
			  char *why, size_t size);

#endif
