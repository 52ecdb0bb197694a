/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel the set-up prepared (.cache/kernel-<series>.env, written by
 * harness/setup.sh): its release, image directory, headers and boot file.
 */
#ifndef KERNEL_ENV_H
#define KERNEL_ENV_H

struct kernel_env {
	char kver[256];		/* KVER: 6.1.0-56-amd64 */
	char kimg[4096];	/* KIMG: vmlinuz, vmlinux, modules/ */
	char kdir[4096];	/* KDIR: the headers to build against */
	char kboot[4096];	/* KBOOT: what QEMU boots */
};

/* 0, or -1 after one sentence saying which set-up step to run. */
int read_kernel_env(const char *path, struct kernel_env *env);

#endif
