/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a lab's checker declares: a list of named tests, each a shell
 * function of the same name run in the guest (the lab's tests.sh, or a
 * shared one in harness/guest/) and a judge that asserts on what it printed,
 * its exit status and its slice of dmesg. lab_main() does the rest: builds
 * the module, boots the VM once for the whole suite (again after a crash),
 * and runs the judges as CUnit tests. harness/WRITING-TESTS.md explains.
 */
#ifndef MYBRD_LAB_H
#define MYBRD_LAB_H

#include "judge.h"

struct symptom_hints;

struct lab_test {
	const char *name;	/* CUnit test name: loads_cleanly */
	const char *behaviour;	/* what is checked, one line */
	/* Arguments for the test's function, split into words, or NULL. */
	const char *args;
	/* Asserts on the result; NULL means "exits 0, dmesg clean". */
	void (*judge)(struct judge *j);
	const char *hint;	/* where to look when it fails: the TODO */
	/* The untouched skeleton must fail this test (proved by make test). */
	bool skeleton_fails;
};

struct lab {
	const char *id;		/* "lab01-register" */
	const char *title;
	const struct lab_test *tests;
	int ntests;
	/* Host programs the tests run in the guest, NULL-terminated; their
	 * shared libraries come along ("/usr/sbin/mkfs.ext4").
	 */
	const char *const *guest_programs;
	/* Modules of the kernel package the tests load with load_kmod,
	 * NULL-terminated ("ext4"); what modules.dep says they need comes
	 * along, soft dependencies do not: ext4 wants "crc32c_generic"
	 * listed (and loaded) before it up to 6.12. A name ending in '?'
	 * comes along only where the kernel has it (7.x has no
	 * crc32c_generic: ext4 and jbd2 call the CRC library); the guest
	 * loads it with load_kmod_if_there.
	 */
	const char *const *kernel_modules;
	/* The lab's TODOs for the symptoms of its data tests (symptom.h). */
	const struct symptom_hints *symptoms;
};

#define LAB_TESTS(array) .tests = (array), \
	.ntests = (int)(sizeof(array) / sizeof((array)[0]))

int lab_main(const struct lab *lab, int argc, char **argv);

#endif
