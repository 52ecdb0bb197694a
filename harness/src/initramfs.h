/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Initramfs builder: writes an uncompressed newc cpio archive (the guest's
 * kernel unpacks it faster than any compressed one under TCG) holding
 * busybox, the harness's guest scripts, the module(s) under test and any
 * extra host binaries with the shared libraries they need.
 */
#ifndef MYBRD_INITRAMFS_H
#define MYBRD_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cpio {
	FILE *out;
	unsigned int ino;
	int error;	/* first -errno seen; checked at cpio_close() */
};

int cpio_open(struct cpio *c, const char *path);
int cpio_close(struct cpio *c);

void cpio_add_dir(struct cpio *c, const char *path);
void cpio_add_data(struct cpio *c, const char *path, const void *data,
		   size_t len, unsigned int mode);
void cpio_add_file(struct cpio *c, const char *path, const char *host_path,
		   unsigned int mode);
void cpio_add_symlink(struct cpio *c, const char *path, const char *target);

/*
 * Adds a host binary at the same path, with the shared libraries ldd lists
 * for it (and the dynamic loader), so it runs in the guest as on the host.
 */
void cpio_add_binary(struct cpio *c, const char *host_path);

/*
 * Adds kernel module <name> ("ext4") and the modules it depends on, as
 * modules.dep of a lib/modules/<kver> tree lists them, decompressed (.ko.xz,
 * .ko.zst), to /lib/modules/<module>.ko, and /lib/modules/<name>.load: the
 * modules to insmod, in order (none if it is built in). -ENOENT if the tree
 * has no such module.
 */
int cpio_add_kmod(struct cpio *c, const char *modules_dir, const char *name);

/* True when the tree's modules.dep lists module <name>. */
bool kmod_exists(const char *modules_dir, const char *name);

#endif
