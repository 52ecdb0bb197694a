/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs a lab's tests in the VM: one boot for the whole suite; when a test
 * crashes or hangs the kernel, it fails with the cause and the remaining
 * tests run in a fresh boot.
 */
#ifndef MYBRD_SUITE_H
#define MYBRD_SUITE_H

#include "judge.h"
#include "lab.h"
#include "module_build.h"

#include <stdio.h>

struct suite_config {
	const char *kernel;	/* vmlinux or vmlinuz */
	const char *accel;	/* tcg or kvm */
	const char *workdir;	/* initramfs and logs go here */
	const char *module;	/* the mybrd.ko under test */
	/* The build making it, or NULL if it exists: the first boot starts
	 * while it runs, and the module follows on ttyS2 when ready.
	 */
	struct build_job *build;
	const char *guest_dir;	/* harness/guest: init.sh, lib.sh, ... */
	const char *tests_sh;	/* the lab's tests.sh, or NULL */
	const char *modules_dir; /* the kernel package's lib/modules/<kver> */
	double boot_limit_s;	/* until the guest says it is ready */
	double test_limit_s;	/* per test */
	int memory_mb;
	int cpus;
	const char *const *qemu_args; /* QEMU's extra ones, or NULL */
	int gdb_port;		/* >0: QEMU waits for gdb there; no limits */
	bool debug;		/* DEBUG=1: the debug kernel (check.debug=1) */
	/* Saved VMs (snapshot.c) are kept here; NULL: every check boots. */
	const char *snapshot_dir;
};

struct suite_run {
	int ntests;
	struct test_result *results;
	struct klog *logs;	/* one per boot; results point into them */
	int nboots;
	int nresumed;		/* of them, saved VMs resumed */
	double boot_seconds;	/* summed over boots: until ready */
	double test_seconds;
	char *boot_failure;	/* why the VM never got ready, or NULL */
	bool build_failed;	/* the module did not compile: no results */
};

/* with_module: the module and the index are in it (console, command). */
int suite_build_initramfs(const struct suite_config *cfg,
			  const struct lab *lab, const char *path,
			  bool with_module);
int suite_run(const struct suite_config *cfg, const struct lab *lab,
	      struct suite_run *run);
/*
 * A shell in the VM with the module loaded, on our stdin and stdout. What
 * comes on stdin waits until the guest's shell is ready, so none is lost;
 * at its end the shell ends too, and so does the VM.
 */
int suite_console(const struct suite_config *cfg, const struct lab *lab);
/*
 * Builds the first boot's initramfs (the module must be built) and prints
 * the QEMU command line that boots it, for the tests or the console.
 */
int suite_print_command(const struct suite_config *cfg, const struct lab *lab,
			bool console, FILE *out);
void suite_run_free(struct suite_run *run);

#endif
