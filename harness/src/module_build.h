/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds a student's mybrd.c as a module against the kernel's headers, in a
 * scratch directory of its own: only mybrd.c is taken from the student; the
 * Kbuild file and the compatibility header come from this repository.
 */
#ifndef MYBRD_MODULE_BUILD_H
#define MYBRD_MODULE_BUILD_H

struct module_build {
	const char *source;	/* the student's mybrd.c */
	const char *kbuild;	/* the lab's Kbuild */
	const char *compat;	/* harness/kernel/mybrd_compat.h */
	const char *kdir;	/* /usr/src/linux-headers-<kver> */
	const char *dir;	/* scratch directory */
};

/*
 * Returns 0 and the module's path in *ko, or a negative errno; on a failed
 * compile, prints one sentence and the compiler's errors.
 */
int module_build(const struct module_build *mb, char **ko);

#endif
