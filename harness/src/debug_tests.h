/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests DEBUG=1 adds to every lab's (harness/guest/debug.sh runs
 * them): init's error paths made to fail one step at a time, and
 * kmemleak's scan after the last rmmod. The checker appends them to the
 * lab's table when it runs with --debug.
 */
#ifndef MYBRD_DEBUG_TESTS_H
#define MYBRD_DEBUG_TESTS_H

#include "lab.h"

extern const struct lab_test debug_tests[];
extern const int ndebug_tests;

#endif
