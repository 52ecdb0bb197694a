// SPDX-License-Identifier: GPL-2.0
/*
 * mybrd, lab 01: register a block device.
 *
 * The driver registers a block major and adds one disk, /dev/mybrd, of
 * size_mb MiB. It stores no data yet: every I/O fails until lab 02.
 * Follows the "mybrd" book (Linux v4.4), on Linux 6.1 and 6.12.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>

#include "mybrd_compat.h"

#define MYBRD_NAME		"mybrd"
#define MYBRD_MAX_SIZE_MB	1024
#define MYBRD_SECTORS_PER_MB	(SZ_1M / SECTOR_SIZE)

static int size_mb = 4;
module_param(size_mb, int, 0444);
MODULE_PARM_DESC(size_mb, "Size of the disk in MiB (1-1024, default 4)");

/* What mybrd_init() registers and mybrd_exit() releases. */
static struct mybrd_device {
	int major;
	struct gendisk *disk;
} mybrd;

/*
 * Lab 02 fills this in; until then every bio fails. A bio-based disk must
 * have a submit_bio all the same: the block layer calls it without a check,
 * so a disk without one dereferences NULL on its first I/O.
 */
static void mybrd_submit_bio(struct bio *bio)
{
	bio_io_error(bio);
}

static const struct block_device_operations mybrd_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= mybrd_submit_bio,
};

static int mybrd_check_size(void)
{
	/* TODO 1: Refuse a size_mb outside 1..MYBRD_MAX_SIZE_MB: pr_err() a
	 * message naming the value and the range, and return -EINVAL. This
	 * runs before anything is registered, so there is nothing to undo.
	 */
	return 0;
}

static int mybrd_register_major(void)
{
	/* TODO 2: Register a block major for "mybrd" with register_blkdev(),
	 * asking for a dynamic one (major 0). Keep it in mybrd.major and
	 * return the error if registration fails. (v4.4's brd.c also called
	 * blk_register_region() so that opening a missing minor created a
	 * disk; that is gone, and a driver that adds its disk needs none.)
	 */
	return 0;
}

static int mybrd_create_disk(void)
{
	/* TODO 3: Allocate the disk with blk_alloc_disk(NUMA_NO_NODE) and
	 * return -ENOMEM if it gives NULL. It replaces the book's
	 * alloc_disk() + blk_alloc_queue_node() + blk_queue_make_request():
	 * the disk comes with its queue, and bios go to mybrd_fops.submit_bio.
	 * Then fill it in: major (mybrd.major), first_minor 0, minors 1,
	 * fops (&mybrd_fops), disk_name "mybrd" (strscpy()), and
	 * GENHD_FL_NO_PART in flags, so that add_disk() does not read a disk
	 * with no data yet to look for partitions. Declare this function's
	 * local variables first, here.
	 */

	/* TODO 4: Set the size with set_capacity(), in 512-byte sectors:
	 * size_mb * MYBRD_SECTORS_PER_MB. Compute it as a sector_t, not in
	 * int arithmetic, so that a larger size could not overflow.
	 */

	/* TODO 5: Make the disk live with add_disk(): /dev/mybrd and
	 * /sys/block/mybrd appear. The book's add_disk() returned void; now
	 * it is __must_check. If it fails, goto a label at the end of this
	 * function that undoes TODO 3 with put_disk() and returns the error
	 * (mybrd_init() then releases the major). On success keep the disk in
	 * mybrd.disk for mybrd_exit().
	 */
	return 0;
}

static int __init mybrd_init(void)
{
	int err;

	err = mybrd_check_size();
	if (err)
		return err;

	err = mybrd_register_major();
	if (err)
		return err;

	err = mybrd_create_disk();
	if (err)
		goto out_unregister;

	pr_info("registered major %d, %d MiB\n", mybrd.major, size_mb);
	return 0;

out_unregister:
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	return err;
}

static void __exit mybrd_exit(void)
{
	/* TODO 6: Undo mybrd_init() in reverse order: del_gendisk() (the book
	 * never called it, so its disk outlived the module), put_disk(),
	 * then unregister_blkdev().
	 */
	pr_info("unregistered major %d\n", mybrd.major);
}

module_init(mybrd_init);
module_exit(mybrd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mybrd lab 01: an empty block device");
MODULE_AUTHOR("mybrd labs");
