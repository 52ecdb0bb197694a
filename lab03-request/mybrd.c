// SPDX-License-Identifier: GPL-2.0
/*
 * mybrd, lab 03: a RAM disk with a blk-mq request queue.
 *
 * The page store of lab 02 stays; what changes is how I/O arrives. The
 * disk now has a blk-mq queue with one hardware queue: the block layer
 * merges bios into requests (struct request), an I/O scheduler
 * (mq-deadline) orders them, and ->queue_rq() gets one request at a time.
 * Debugfs counts what reached ->queue_rq(), so merging can be seen.
 * Follows the "mybrd" book (Linux v4.4), on Linux 6.1 and 6.12.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include "mybrd_compat.h"

#define MYBRD_NAME		"mybrd"
#define MYBRD_MAX_SIZE_MB	1024
#define MYBRD_SECTORS_PER_MB	(SZ_1M / SECTOR_SIZE)
#define MYBRD_QUEUE_DEPTH	64	/* requests in flight, as the book */

static int size_mb = 4;
module_param(size_mb, int, 0444);
MODULE_PARM_DESC(size_mb, "Size of the disk in MiB (1-1024, default 4)");

/* What mybrd_init() sets up and mybrd_exit() releases. */
static struct mybrd_device {
	int major;
	struct gendisk *disk;
	/* The disk's data: page i holds sectors 8i to 8i+7 (4 KiB pages). */
	struct xarray pages;
	atomic_long_t nr_pages;		/* pages in the store */
	struct dentry *debugfs;		/* /sys/kernel/debug/mybrd */
	/* The hardware queues and their requests (tags). */
	struct blk_mq_tag_set tag_set;
	/* What ->queue_rq() saw, in debugfs: see mybrd_count_request(). */
	atomic_long_t nr_requests;
	atomic_long_t nr_bios;
	atomic_long_t nr_segments;
} mybrd;

/*
 * The page store. A sector's page is at index sector >> PAGE_SECTORS_SHIFT,
 * at byte offset mybrd_offset(sector) in it. A page exists once a write
 * touched it; sectors without a page read as zeros.
 */

/* Byte offset of a sector in its store page. */
static unsigned int mybrd_offset(sector_t sector)
{
	return (sector & (PAGE_SECTORS - 1)) << SECTOR_SHIFT;
}

/* How many of len bytes starting at sector lie in sector's store page. */
static unsigned int mybrd_chunk(sector_t sector, unsigned int len)
{
	return min_t(unsigned int, len, PAGE_SIZE - mybrd_offset(sector));
}

/* The store page holding sector, or NULL if it was never written. */
static struct page *mybrd_lookup_page(struct mybrd_device *dev,
				      sector_t sector)
{
	return xa_load(&dev->pages, sector >> PAGE_SECTORS_SHIFT);
}

/*
 * Adds a zeroed page for sector to the store and returns it; returns the
 * page already there if another writer added one first, NULL when out of
 * memory. gfp says how the allocations may wait.
 */
static struct page *mybrd_insert_page(struct mybrd_device *dev,
				      sector_t sector, gfp_t gfp)
{
	struct page *page, *old;

	page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);
	if (!page)
		return NULL;

	old = xa_cmpxchg(&dev->pages, sector >> PAGE_SECTORS_SHIFT, NULL, page,
			 gfp);
	if (old) {
		__free_page(page);
		return xa_is_err(old) ? NULL : old;
	}
	atomic_long_inc(&dev->nr_pages);
	return page;
}

/*
 * Reads len bytes at sector from the store into page at off: a bio segment
 * being read. Sectors that were never written read as zeros.
 */
static void mybrd_copy_from_store(struct mybrd_device *dev, struct page *page,
				  unsigned int off, sector_t sector,
				  unsigned int len)
{
	struct page *store;
	unsigned int chunk;
	void *src;

	while (len) {
		chunk = mybrd_chunk(sector, len);
		store = mybrd_lookup_page(dev, sector);
		if (store) {
			src = kmap_local_page(store);
			memcpy_to_page(page, off, src + mybrd_offset(sector),
				       chunk);
			kunmap_local(src);
		} else {
			memzero_page(page, off, chunk);
		}
		off += chunk;
		sector += chunk >> SECTOR_SHIFT;
		len -= chunk;
	}
}

/*
 * Writes len bytes from page at off to the store at sector: a bio segment
 * being written. The store pages exist already (mybrd_alloc_store()).
 */
static void mybrd_copy_to_store(struct mybrd_device *dev, struct page *page,
				unsigned int off, sector_t sector,
				unsigned int len)
{
	struct page *store;
	unsigned int chunk;
	void *dst;

	while (len) {
		chunk = mybrd_chunk(sector, len);
		store = mybrd_lookup_page(dev, sector);
		if (WARN_ON_ONCE(!store))
			return;
		dst = kmap_local_page(store);
		memcpy_from_page(dst + mybrd_offset(sector), page, off, chunk);
		kunmap_local(dst);
		off += chunk;
		sector += chunk >> SECTOR_SHIFT;
		len -= chunk;
	}
}

/* Makes sure the store has pages for the len bytes at sector. */
static int mybrd_alloc_store(struct mybrd_device *dev, sector_t sector,
			     unsigned int len, gfp_t gfp)
{
	unsigned int chunk;

	while (len) {
		chunk = mybrd_chunk(sector, len);
		if (!mybrd_lookup_page(dev, sector) &&
		    !mybrd_insert_page(dev, sector, gfp))
			return -ENOMEM;
		sector += chunk >> SECTOR_SHIFT;
		len -= chunk;
	}
	return 0;
}

/* How a write may wait for memory, given its bio's flags (opf). */
static gfp_t mybrd_gfp(blk_opf_t opf)
{
	return opf & REQ_NOWAIT ? GFP_NOWAIT : GFP_NOIO;
}

/*
 * One segment of a bio or request: len bytes of page at off, to or from
 * the store at sector. opf: the op and flags (REQ_NOWAIT: do not sleep).
 * Returns 0 or -ENOMEM.
 */
static int mybrd_do_bvec(struct mybrd_device *dev, struct page *page,
			 unsigned int len, unsigned int off, blk_opf_t opf,
			 sector_t sector)
{
	int err;

	if (!op_is_write(opf)) {
		mybrd_copy_from_store(dev, page, off, sector, len);
		return 0;
	}
	err = mybrd_alloc_store(dev, sector, len, mybrd_gfp(opf));
	if (err)
		return err;
	mybrd_copy_to_store(dev, page, off, sector, len);
	return 0;
}

/*
 * Counts a request that reached mybrd_queue_rq(), for debugfs: the bios
 * the block layer merged into it and the single-page segments they hold.
 */
static void mybrd_count_request(struct mybrd_device *dev, struct request *rq)
{
	/* TODO 5: Add 1 to dev->nr_requests, 1 to dev->nr_bios for each bio
	 * of the request (__rq_for_each_bio(bio, rq)), and 1 to
	 * dev->nr_segments for each segment (rq_for_each_segment(bvec, rq,
	 * iter), with a struct bio_vec bvec and a struct req_iterator iter:
	 * the loop mybrd_do_request() copies with). Use atomic_long_inc():
	 * two CPUs can be in ->queue_rq() at once.
	 * Declare this function's local variables first, here.
	 */
}

/* Does the request's I/O; returns the status to end it with. */
static blk_status_t mybrd_do_request(struct mybrd_device *dev,
				     struct request *rq)
{
	/* ->queue_rq() must not sleep: REQ_NOWAIT makes mybrd_gfp() say so. */
	blk_opf_t opf = rq->cmd_flags | REQ_NOWAIT;
	sector_t sector = blk_rq_pos(rq);
	struct req_iterator iter;
	struct bio_vec bvec;
	int err;

	/* The block layer checked these already; a driver checks anyway. */
	if (req_op(rq) != REQ_OP_READ && req_op(rq) != REQ_OP_WRITE)
		return BLK_STS_NOTSUPP;
	if (blk_rq_pos(rq) + blk_rq_sectors(rq) > get_capacity(rq->q->disk))
		return BLK_STS_IOERR;

	/* Every segment of every bio of the request, a page at most each. */
	rq_for_each_segment(bvec, rq, iter) {
		err = mybrd_do_bvec(dev, bvec.bv_page, bvec.bv_len,
				    bvec.bv_offset, opf, sector);
		/* TODO 4: As lab 02's bio loop, but a GFP_NOWAIT allocation
		 * that failed (-ENOMEM) is BLK_STS_RESOURCE: blk-mq keeps the
		 * request and calls ->queue_rq() with it again later, when
		 * memory may be free. Any other error is BLK_STS_IOERR. Then
		 * move sector past the segment (bv_len bytes).
		 */
		return BLK_STS_IOERR;
	}
	return BLK_STS_OK;
}

/*
 * blk-mq calls this for every request dispatched to the hardware queue
 * hctx (v4.4's request_fn fetched them itself with blk_fetch_request()).
 * It runs in atomic context: it must not sleep.
 */
static blk_status_t mybrd_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct mybrd_device *dev = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	blk_status_t status;

	/* TODO 3: The request is the driver's from blk_mq_start_request(rq)
	 * on: call it before anything else (it marks the request in flight
	 * and starts its timeout).
	 */
	mybrd_count_request(dev, rq);
	status = mybrd_do_request(dev, rq);
	/* TODO 3: Then finish it. BLK_STS_RESOURCE: return it as it is, and
	 * blk-mq requeues the request. Any other status: end the request
	 * with it, blk_mq_end_request(rq, status) (v4.4:
	 * blk_end_request_all()), and return BLK_STS_OK: the request was
	 * taken (an error returned here would make blk-mq end it for you).
	 */
	return BLK_STS_IOERR;
}

static const struct blk_mq_ops mybrd_mq_ops = {
	.queue_rq	= mybrd_queue_rq,
};

/* A blk-mq disk has no .submit_bio: its bios go to blk-mq, then queue_rq. */
static const struct block_device_operations mybrd_fops = {
	.owner		= THIS_MODULE,
};

/* Frees every page of the store. Runs when no I/O can come any more. */
static void mybrd_free_store(struct mybrd_device *dev)
{
	unsigned long index;
	struct page *page;

	xa_for_each(&dev->pages, index, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&dev->pages);
	atomic_long_set(&dev->nr_pages, 0);
}

static int mybrd_nr_pages_get(void *data, u64 *val)
{
	struct mybrd_device *dev = data;

	*val = atomic_long_read(&dev->nr_pages);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(mybrd_nr_pages_fops, mybrd_nr_pages_get, NULL,
			 "%llu\n");

static int mybrd_counter_get(void *data, u64 *val)
{
	*val = atomic_long_read(data);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(mybrd_counter_fops, mybrd_counter_get, NULL,
			 "%llu\n");

/* A read-only debugfs file showing an atomic_long_t counter. */
static void mybrd_debugfs_counter(struct dentry *dir, const char *name,
				  atomic_long_t *counter)
{
	debugfs_create_file_unsafe(name, 0444, dir, counter,
				   &mybrd_counter_fops);
}

/*
 * /sys/kernel/debug/mybrd/nr_pages: how many pages the store holds;
 * requests, bios and segments: what reached ->queue_rq() since the load.
 * Debugfs is optional: a driver does not fail, nor check, because of it.
 */
static void mybrd_debugfs_create(struct mybrd_device *dev)
{
	dev->debugfs = debugfs_create_dir(MYBRD_NAME, NULL);
	debugfs_create_file_unsafe("nr_pages", 0444, dev->debugfs, dev,
				   &mybrd_nr_pages_fops);
	mybrd_debugfs_counter(dev->debugfs, "requests", &dev->nr_requests);
	mybrd_debugfs_counter(dev->debugfs, "bios", &dev->nr_bios);
	mybrd_debugfs_counter(dev->debugfs, "segments", &dev->nr_segments);
}

static int mybrd_check_size(void)
{
	if (size_mb < 1 || size_mb > MYBRD_MAX_SIZE_MB) {
		pr_err("size_mb=%d is out of range: 1 to %d MiB\n",
		       size_mb, MYBRD_MAX_SIZE_MB);
		return -EINVAL;
	}
	return 0;
}

static int mybrd_register_major(void)
{
	mybrd.major = register_blkdev(0, MYBRD_NAME);
	if (mybrd.major < 0)
		return mybrd.major;
	return 0;
}

/* The tag set: how many hardware queues, how deep, served by which ops. */
static int mybrd_alloc_tag_set(struct mybrd_device *dev)
{
	struct blk_mq_tag_set *set = &dev->tag_set;

	/* TODO 1: Describe the queues before blk_mq_alloc_tag_set() allocates
	 * them: ops (&mybrd_mq_ops), nr_hw_queues (1: one hardware queue, as
	 * the book's request-mode queue had), queue_depth (MYBRD_QUEUE_DEPTH
	 * requests in flight at most), numa_node (NUMA_NO_NODE), flags
	 * (BLK_MQ_F_SHOULD_MERGE, as null_blk sets) and driver_data (dev).
	 * blk_mq_alloc_tag_set() refuses an empty tag set with -EINVAL.
	 */
	return blk_mq_alloc_tag_set(set);
}

/* The disk and its request queue, made from the tag set. */
static struct gendisk *mybrd_alloc_disk(struct mybrd_device *dev)
{
	/* TODO 2: blk_mq_alloc_disk(&dev->tag_set, dev) makes the disk with a
	 * blk-mq request queue whose queuedata is dev (mybrd_queue_rq() finds
	 * it there); it replaces lab 02's blk_alloc_disk() and the book's
	 * blk_init_queue() + alloc_disk(). It returns an ERR_PTR() on
	 * failure, not NULL: return it as it is.
	 */
	return ERR_PTR(-ENODEV);
}

static int mybrd_create_disk(void)
{
	struct gendisk *disk;
	int err;

	err = mybrd_alloc_tag_set(&mybrd);
	if (err)
		return err;

	disk = mybrd_alloc_disk(&mybrd);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_free_tag_set;
	}

	/*
	 * Lab 01 set GENHD_FL_NO_PART: there was no data to hold a partition
	 * table. Now there is, so the disk is scanned like any other: at
	 * add_disk() (a RAM disk is empty then, and reads zeros) and when
	 * asked (blockdev --rereadpt). Partitions past minors get numbers
	 * from the extended major (259).
	 */
	disk->major = mybrd.major;
	disk->first_minor = 0;
	disk->minors = 1;
	disk->fops = &mybrd_fops;
	disk->private_data = &mybrd;
	strscpy(disk->disk_name, MYBRD_NAME, sizeof(disk->disk_name));
	set_capacity(disk, (sector_t)size_mb * MYBRD_SECTORS_PER_MB);

	err = add_disk(disk);
	if (err)
		goto out_put_disk;

	mybrd.disk = disk;
	return 0;

out_put_disk:
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(&mybrd.tag_set);
	return err;
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

	/* The store must be ready before add_disk() reads the disk. */
	xa_init(&mybrd.pages);
	atomic_long_set(&mybrd.nr_pages, 0);
	mybrd_debugfs_create(&mybrd);

	err = mybrd_create_disk();
	if (err)
		goto out_remove_debugfs;

	pr_info("registered major %d, %d MiB\n", mybrd.major, size_mb);
	return 0;

out_remove_debugfs:
	debugfs_remove(mybrd.debugfs);
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	return err;
}

static void __exit mybrd_exit(void)
{
	/* del_gendisk() waits for the I/O in flight: then the store is ours. */
	del_gendisk(mybrd.disk);
	put_disk(mybrd.disk);
	/* TODO 6: put_disk() freed the request queue; the tag set is the
	 * driver's to free, after it, with blk_mq_free_tag_set() (v4.4's
	 * blk_cleanup_queue() did it all). Nothing you can see fails without
	 * it: the memory of 64 requests leaks at every rmmod.
	 */
	mybrd_free_store(&mybrd);
	debugfs_remove(mybrd.debugfs);
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	pr_info("unregistered major %d\n", mybrd.major);
}

module_init(mybrd_init);
module_exit(mybrd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mybrd lab 03: a RAM disk with a blk-mq queue");
MODULE_AUTHOR("mybrd labs");
