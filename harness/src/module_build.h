/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds a student's mybrd.c as a module against the kernel's headers, in a
 * scratch directory of its own: only mybrd.c is taken from the student; the
 * Kbuild file and the compatibility header come from this repository.
 */
#ifndef MYBRD_MODULE_BUILD_H
#define MYBRD_MODULE_BUILD_H

#include <stdbool.h>
#include <sys/types.h>

struct module_build {
	const char *source;	/* the student's mybrd.c */
	const char *kbuild;	/* the lab's Kbuild */
	const char *compat;	/* harness/kernel/mybrd_compat.h */
	/* harness/kernel/mybrd_debug.h for DEBUG=1 (MYBRD_DEBUG=y), or NULL */
	const char *debug_header;
	const char *kdir;	/* /usr/src/linux-headers-<kver> */
	const char *dir;	/* scratch directory */
	const char *probe_cache;	/* harness/kernel/probe-cache, or NULL */
	const char *probe_cache_dir;	/* where it keeps Kbuild's answers */
};

/* A build running in the background while the VM boots. */
struct build_job {
	pid_t pid;
	int status;		/* make's wait status, once done */
	bool done;
	double seconds;		/* how long it took */
	double started;
	char stamp[4200];	/* dir/build.stamp: the inputs of the last */
	char key[17];		/* this build's inputs ("" unknown) */
};

/*
 * Starts make in the background; 0 or a negative errno. A module built
 * from the same inputs (mybrd.c, Kbuild, the headers, the kernel tree) is
 * not built again: the job is done at once.
 */
int module_build_start(const struct module_build *mb, struct build_job *job);

/* True once the build has finished; waits for it if wait is true. */
bool module_build_poll(struct build_job *job, bool wait);

/* True if it finished and produced the module. */
bool module_build_ok(const struct build_job *job);

/* Kills a build still running (the checker is giving up). */
void module_build_cancel(struct build_job *job);

/*
 * After the build: 0 and the module's path in *ko, or -EINVAL after
 * printing one sentence and the compiler's errors. Warnings are shown too.
 */
int module_build_finish(const struct module_build *mb, struct build_job *job,
			char **ko);

/* Copies the module without debug information (what the guest needs). */
int module_strip(const char *ko, const char *out);

#endif
