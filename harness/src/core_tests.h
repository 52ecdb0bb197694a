/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The regression core: lab 01's registration and lab 02's data path,
 * re-checked by every later lab, written once (guest side: the functions
 * of harness/guest/core.sh). A lab lists them in its test table with its
 * own hint, naming where that lab's driver keeps the code:
 *
 *	TEST_CORE_REGISTRATION("...", true),
 *	TEST_CORE_DATA("...", true),
 */
#ifndef MYBRD_CORE_TESTS_H
#define MYBRD_CORE_TESTS_H

#include "judge.h"

/*
 * loads_cleanly's judge, every lab's: insmod exits 0, dmesg has no oops,
 * BUG or WARNING, no I/O error (add_disk()'s partition scan reads the
 * disk: a driver that fails those reads fills dmesg at load) and no "init
 * suspiciously returned" (an init returning a positive value).
 */
void judge_loads_cleanly(struct judge *j);

/*
 * What registration_facts and disk_size printed after a default insmod
 * (facts major, disk, node, size): registered, 8192 sectors.
 */
bool expect_registered_default(struct judge *j);

void judge_core_registration(struct judge *j);
void judge_core_data(struct judge *j);

#define TEST_CORE_REGISTRATION(hint_, skeleton_fails_) {		\
	.name = "core_registration",					\
	.behaviour = "lab 01 still holds: major, disk, 4 MiB by default, size_mb=16 gives 32768 sectors, bad sizes refused, rmmod leaves nothing", \
	.judge = judge_core_registration,				\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

#define TEST_CORE_DATA(hint_, skeleton_fails_) {			\
	.name = "core_data",						\
	.behaviour = "lab 02 still holds: writes at odd sectors and across pages (O_DIRECT and buffered) and at the last sector read back in place; unwritten sectors read as zeros", \
	.judge = judge_core_data,					\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

#endif
