/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One driver source for Debian's 6.1 and 6.12 kernels.
 *
 * The labs are written against Linux 6.1 (Debian 12's kernel): its
 * drivers/block/brd.c and null_blk are the models the labs follow. Where
 * 6.12 changed a call, this header gives the 6.1 form back, so the same
 * mybrd.c builds on both kernels and reads like the 6.1 sources. Every lab
 * includes it; the checker copies it next to mybrd.c.
 *
 * How a shim is made (keep new ones the same way, in the section of the
 * kernel version that changed the call): an inline mybrd_compat_<call>()
 * calls the new kernel's macro while that is still defined, then the name
 * is redefined with the 6.1 arguments and the 6.1 return convention.
 * Only 6.1 and 6.12 are built and tested; the version checks name the
 * release that made the change.
 */
#ifndef MYBRD_COMPAT_H
#define MYBRD_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
/*
 * blk_alloc_disk(node): 6.1 returns NULL on failure. Since 6.9 the queue
 * limits come first (NULL: the defaults) and failure is an ERR_PTR(). With
 * default limits the only failure is -ENOMEM, which NULL says as well.
 */
static inline struct gendisk *mybrd_compat_blk_alloc_disk(int node)
{
	struct gendisk *disk = blk_alloc_disk(NULL, node);

	return IS_ERR(disk) ? NULL : disk;
}

#undef blk_alloc_disk
#define blk_alloc_disk(node) mybrd_compat_blk_alloc_disk(node)
#endif

#endif /* MYBRD_COMPAT_H */
