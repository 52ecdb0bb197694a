/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One driver source for Debian's 6.1 and 6.12 kernels, and the newest
 * (7.3, from Debian 13's trixie-backports).
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
 * Where the 6.1 form is gone for good (hrtimer_init()), the labs write the
 * new call and the shim gives it to the older kernels instead.
 * 6.1, 6.12 and 7.3 are built and tested; the version checks name the
 * release that made the change.
 */
#ifndef MYBRD_COMPAT_H
#define MYBRD_COMPAT_H

#include <asm/msr.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
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

/*
 * blk_mq_alloc_disk(set, queuedata): since 6.9 the queue limits come
 * between the two (NULL: the defaults). Both return an ERR_PTR() on
 * failure, so only the arguments change.
 */
static inline struct gendisk *
mybrd_compat_blk_mq_alloc_disk(struct blk_mq_tag_set *set, void *queuedata)
{
	return blk_mq_alloc_disk(set, NULL, queuedata);
}

#undef blk_mq_alloc_disk
#define blk_mq_alloc_disk(set, queuedata) \
	mybrd_compat_blk_mq_alloc_disk(set, queuedata)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
/*
 * blk_queue_flag_set(QUEUE_FLAG_NOWAIT, q): since 6.11 what a device can do
 * is a feature of its queue limits, and "takes REQ_NOWAIT bios" is
 * BLK_FEAT_NOWAIT, set between queue_limits_start_update() and
 * queue_limits_commit_update(); QUEUE_FLAG_NOWAIT is gone. It comes back
 * here as a number no queue flag uses, which the shim turns into the
 * feature; other flags go to blk_queue_flag_set() unchanged. Call it
 * before add_disk(), as 6.1 drivers do; with default limits the commit
 * cannot fail.
 */
#define QUEUE_FLAG_NOWAIT	(QUEUE_FLAG_MAX + 1)

static inline void mybrd_compat_blk_queue_flag_set(unsigned int flag,
						   struct request_queue *q)
{
	struct queue_limits lim;

	if (flag != QUEUE_FLAG_NOWAIT) {
		blk_queue_flag_set(flag, q);
		return;
	}
	lim = queue_limits_start_update(q);
	lim.features |= BLK_FEAT_NOWAIT;
	WARN_ON_ONCE(queue_limits_commit_update(q, &lim));
}

#define blk_queue_flag_set(flag, q) mybrd_compat_blk_queue_flag_set(flag, q)

/*
 * blk_queue_write_cache(q, wc, fua): 6.1's setter declares a volatile
 * write cache (fsync then sends flushes) and FUA. Since 6.11 both are
 * features of the queue limits, BLK_FEAT_WRITE_CACHE and BLK_FEAT_FUA, and
 * blk_queue_write_cache(q) is a one-argument test of the first. The
 * three-argument form comes back here (the test is hidden; the labs do
 * not use it). Call it before add_disk(), as 6.1 drivers do; with default
 * limits the commit cannot fail.
 */
static inline void mybrd_compat_blk_queue_write_cache(struct request_queue *q,
						      bool wc, bool fua)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	if (wc)
		lim.features |= BLK_FEAT_WRITE_CACHE;
	if (fua)
		lim.features |= BLK_FEAT_FUA;
	WARN_ON_ONCE(queue_limits_commit_update(q, &lim));
}

#define blk_queue_write_cache(q, wc, fua) \
	mybrd_compat_blk_queue_write_cache(q, wc, fua)
#endif

#if !defined(rdmsrl) && defined(rdmsrq)
/*
 * rdmsrl(msr, u64): 6.16 renamed it rdmsrq() (q: a 64-bit quadword), and
 * the old name is gone on 7.3. Lab 06 writes the book's rdmsrl().
 */
#define rdmsrl(msr, val) rdmsrq(msr, val)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
/*
 * hrtimer_setup(timer, function, clock, mode): since 6.13 one call sets a
 * timer up with its callback; 6.15 removed hrtimer_init() and made
 * timer->function private. The labs write the new call; up to 6.12 it is
 * the two steps 6.1's drivers take.
 */
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
/*
 * BLK_MQ_F_SHOULD_MERGE: 6.1's tag sets ask for bios to be merged into
 * requests with it; since 6.14 merging is what blk-mq does unless a queue
 * says otherwise, and the flag is gone. 0 asks for that default.
 */
#define BLK_MQ_F_SHOULD_MERGE	0
#endif

/*
 * ->init_request()'s last argument, the NUMA node: unsigned int up to 6.x
 * (NUMA_NO_NODE, -1, arrived as UINT_MAX), int on 7.3 (changed in 2026 by
 * "blk-mq: nvme: Fix general protection fault", merged for 7.1; 7.0 is
 * not built here). A type, not a call: both get mybrd_numa_node_t.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 1, 0)
typedef int mybrd_numa_node_t;
#else
typedef unsigned int mybrd_numa_node_t;
#endif

/*
 * The page cache of a block device: 6.1 reaches it through the device's
 * inode, bdev->bd_inode->i_mapping; since 6.10 it is bdev->bd_mapping (and
 * bd_inode is gone in 6.11). A field, not a call, so there is no 6.1 name
 * to give back: both kernels get mybrd_bdev_mapping(bdev).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define mybrd_bdev_mapping(bdev) ((bdev)->bd_mapping)
#else
#define mybrd_bdev_mapping(bdev) ((bdev)->bd_inode->i_mapping)
#endif

#endif /* MYBRD_COMPAT_H */
