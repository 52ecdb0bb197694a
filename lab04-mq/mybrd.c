// SPDX-License-Identifier: GPL-2.0
/*
 * mybrd, lab 04: a RAM disk with several blk-mq hardware queues.
 *
 * Lab 03's driver, with nr_hw_queues hardware queues (one per CPU by
 * default) of hw_queue_depth requests each. Each hardware queue has its
 * own struct mybrd_queue (hctx->driver_data) counting what it dispatched
 * and how many requests it had in flight. With completion=1 a request is
 * not ended in ->queue_rq() but later, from an hrtimer, through
 * blk_mq_complete_request() and ->complete, as a device's interrupt
 * would: that is when requests are really in flight together.
 * Follows the "mybrd" book (Linux v4.4) and null_blk, on Linux 6.1 and 6.12.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "mybrd_compat.h"

#define MYBRD_NAME		"mybrd"
#define MYBRD_MAX_SIZE_MB	1024
#define MYBRD_SECTORS_PER_MB	(SZ_1M / SECTOR_SIZE)
#define MYBRD_QUEUE_DEPTH	64	/* default requests per hardware queue */
#define MYBRD_MAX_QUEUE_DEPTH	1024

/* How a request ends (the completion parameter). */
enum {
	MYBRD_COMPLETE_INLINE	= 0,	/* in ->queue_rq() */
	MYBRD_COMPLETE_TIMER	= 1,	/* from an hrtimer, later */
};

static int size_mb = 4;
module_param(size_mb, int, 0444);
MODULE_PARM_DESC(size_mb, "Size of the disk in MiB (1-1024, default 4)");

/*
 * Stores the integer val in the parameter kp if it is within min..max.
 * Called while insmod parses the parameters, before mybrd_init(): an
 * error refuses the load.
 */
static int mybrd_param_set_range(const char *val,
				 const struct kernel_param *kp, int min, int max)
{
	/* TODO 1: Parse val with kstrtoint(val, 0, &n) and return its error
	 * (-EINVAL for "abc"). Return -EINVAL if n is below min or above max.
	 * Else store it, *(int *)kp->arg = n, and return 0. The kernel then
	 * logs "`0' invalid for parameter `nr_hw_queues'" and insmod fails
	 * with "Invalid argument" before mybrd_init() runs.
	 * Declare this function's local variables first, here.
	 */
	return param_set_int(val, kp);
}

/* More hardware queues than CPUs would have queues no CPU submits to. */
static int mybrd_set_nr_hw_queues(const char *val,
				  const struct kernel_param *kp)
{
	return mybrd_param_set_range(val, kp, 1, nr_cpu_ids);
}

static int mybrd_set_hw_queue_depth(const char *val,
				    const struct kernel_param *kp)
{
	return mybrd_param_set_range(val, kp, 1, MYBRD_MAX_QUEUE_DEPTH);
}

static int mybrd_set_completion(const char *val,
				const struct kernel_param *kp)
{
	return mybrd_param_set_range(val, kp, MYBRD_COMPLETE_INLINE,
				     MYBRD_COMPLETE_TIMER);
}

static int mybrd_set_completion_nsec(const char *val,
				     const struct kernel_param *kp)
{
	return mybrd_param_set_range(val, kp, 0, NSEC_PER_SEC);
}

static const struct kernel_param_ops mybrd_nr_hw_queues_ops = {
	.set	= mybrd_set_nr_hw_queues,
	.get	= param_get_int,
};

static const struct kernel_param_ops mybrd_hw_queue_depth_ops = {
	.set	= mybrd_set_hw_queue_depth,
	.get	= param_get_int,
};

static const struct kernel_param_ops mybrd_completion_ops = {
	.set	= mybrd_set_completion,
	.get	= param_get_int,
};

static const struct kernel_param_ops mybrd_completion_nsec_ops = {
	.set	= mybrd_set_completion_nsec,
	.get	= param_get_int,
};

/* 0 until insmod sets it: mybrd_alloc_queues() then takes one per CPU. */
static int nr_hw_queues;
module_param_cb(nr_hw_queues, &mybrd_nr_hw_queues_ops, &nr_hw_queues, 0444);
MODULE_PARM_DESC(nr_hw_queues,
		 "Hardware queues, 1 to the number of CPUs (default: one per online CPU)");

static int hw_queue_depth = MYBRD_QUEUE_DEPTH;
module_param_cb(hw_queue_depth, &mybrd_hw_queue_depth_ops, &hw_queue_depth,
		0444);
MODULE_PARM_DESC(hw_queue_depth,
		 "Requests in flight per hardware queue (1-1024, default 64)");

static int completion = MYBRD_COMPLETE_INLINE;
module_param_cb(completion, &mybrd_completion_ops, &completion, 0444);
MODULE_PARM_DESC(completion,
		 "0: end requests in queue_rq (default), 1: from an hrtimer");

static int completion_nsec = 100000;
module_param_cb(completion_nsec, &mybrd_completion_nsec_ops,
		&completion_nsec, 0444);
MODULE_PARM_DESC(completion_nsec,
		 "Timer completion delay in ns (0-1000000000, default 100000)");

/* One per hardware queue, its hctx->driver_data. */
struct mybrd_queue {
	unsigned int index;
	atomic_long_t dispatched;	/* requests ->queue_rq() took */
	atomic_long_t inflight;		/* taken and not ended yet */
	atomic_long_t max_inflight;	/* the most ever in flight at once */
};

/* One per request, behind it (tag_set.cmd_size): blk_mq_rq_to_pdu(). */
struct mybrd_cmd {
	struct hrtimer timer;		/* completion=1: ends the request */
	blk_status_t status;		/* what to end it with */
};

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
	/* nr_hw_queues of them: what each hardware queue did. */
	struct mybrd_queue *queues;
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
	struct req_iterator iter;
	struct bio_vec bvec;
	struct bio *bio;

	atomic_long_inc(&dev->nr_requests);
	__rq_for_each_bio(bio, rq)
		atomic_long_inc(&dev->nr_bios);
	rq_for_each_segment(bvec, rq, iter)
		atomic_long_inc(&dev->nr_segments);
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
		if (err == -ENOMEM)
			return BLK_STS_RESOURCE;
		if (err)
			return BLK_STS_IOERR;
		sector += bvec.bv_len >> SECTOR_SHIFT;
	}
	return BLK_STS_OK;
}

/* A request was dispatched to hardware queue q: count it in flight. */
static void mybrd_queue_start(struct mybrd_queue *q)
{
	/* TODO 4: Add 1 to q->dispatched and to q->inflight, and raise
	 * q->max_inflight to the new inflight if that is higher. Requests of
	 * one queue can be dispatched on two CPUs at once, so read-compare-
	 * write max_inflight with atomic_long_try_cmpxchg() in a loop: it
	 * stores only if the value is still the one you read, else reloads
	 * it for you. atomic_long_inc_return() gives the new inflight.
	 * Declare this function's local variables first, here.
	 */
}

/* A request of hardware queue q is about to end: no longer in flight. */
static void mybrd_queue_done(struct mybrd_queue *q)
{
	/* TODO 5: Take 1 from q->inflight. This runs just before the request
	 * is ended: once blk_mq_end_request() frees its tag, blk-mq may
	 * dispatch another request in its place, and counting that one
	 * before this one is gone would show one more than hw_queue_depth.
	 */
}

/* Ends a request with status, taking it out of its queue's count. */
static void mybrd_end_rq(struct request *rq, blk_status_t status)
{
	mybrd_queue_done(rq->mq_hctx->driver_data);
	blk_mq_end_request(rq, status);
}

/*
 * ->complete: blk-mq calls it after blk_mq_complete_request(), on the CPU
 * that submitted the request when it can (v4.4's softirq_done_fn).
 */
static void mybrd_complete_rq(struct request *rq)
{
	struct mybrd_cmd *cmd = blk_mq_rq_to_pdu(rq);

	mybrd_end_rq(rq, cmd->status);
}

/* The request's timer expired: the "device" says it is done (hard irq). */
static enum hrtimer_restart mybrd_timer_expired(struct hrtimer *timer)
{
	/* TODO 6: Find the request the timer belongs to: container_of(timer,
	 * struct mybrd_cmd, timer) is its pdu, blk_mq_rq_from_pdu() the
	 * request. Complete it with blk_mq_complete_request(): as a driver's
	 * interrupt handler does, it only says the request is done; blk-mq
	 * then calls ->complete (mybrd_complete_rq()), here or on another CPU.
	 */
	return HRTIMER_NORESTART;
}

/*
 * completion=1: arranges for rq to end later with status, and returns
 * true. Returns false if the request is to end now, in ->queue_rq().
 */
static bool mybrd_defer_completion(struct request *rq, blk_status_t status)
{
	/* TODO 7: If completion is MYBRD_COMPLETE_TIMER, keep status in the
	 * request's struct mybrd_cmd (blk_mq_rq_to_pdu(rq)), start its timer
	 * to expire in completion_nsec: hrtimer_start(&cmd->timer,
	 * ns_to_ktime(completion_nsec), HRTIMER_MODE_REL), and return true.
	 * The request stays in flight, its tag taken, until the timer ends
	 * it (TODO 6); meanwhile blk-mq dispatches others, up to
	 * hw_queue_depth. Else return false.
	 * Declare this function's local variables first, here.
	 */
	return false;
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

	blk_mq_start_request(rq);
	mybrd_queue_start(hctx->driver_data);
	mybrd_count_request(dev, rq);
	status = mybrd_do_request(dev, rq);
	if (status == BLK_STS_RESOURCE) {
		mybrd_queue_done(hctx->driver_data);
		return status;
	}
	if (!mybrd_defer_completion(rq, status))
		mybrd_end_rq(rq, status);
	return BLK_STS_OK;
}

/* Once per request of the tag set, when it is allocated: its timer. */
static int mybrd_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, mybrd_numa_node_t numa_node)
{
	struct mybrd_cmd *cmd = blk_mq_rq_to_pdu(rq);

	hrtimer_setup(&cmd->timer, mybrd_timer_expired, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	return 0;
}

/* Once per hardware queue, when blk-mq sets it up: its private data. */
static int mybrd_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int hctx_idx)
{
	/* TODO 3: data is the tag set's driver_data (the device). Give the
	 * hardware queue its struct mybrd_queue: hctx->driver_data =
	 * &dev->queues[hctx_idx]. ->queue_rq() gets it back from hctx, and
	 * mybrd_end_rq() from rq->mq_hctx. (The book's init_hctx did the
	 * same with a struct mybrd_hw_queue_private.)
	 * Declare this function's local variables first, here.
	 */
	return 0;
}

static const struct blk_mq_ops mybrd_mq_ops = {
	.queue_rq	= mybrd_queue_rq,
	.complete	= mybrd_complete_rq,
	.init_hctx	= mybrd_init_hctx,
	.init_request	= mybrd_init_request,
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
 * requests, bios and segments: what reached ->queue_rq() since the load;
 * queueN/{dispatched,inflight,max_inflight}: hardware queue N's counters.
 * Debugfs is optional: a driver does not fail, nor check, because of it.
 */
static void mybrd_debugfs_queue(struct dentry *parent, struct mybrd_queue *q)
{
	struct dentry *dir;
	char name[16];

	snprintf(name, sizeof(name), "queue%u", q->index);
	dir = debugfs_create_dir(name, parent);
	mybrd_debugfs_counter(dir, "dispatched", &q->dispatched);
	mybrd_debugfs_counter(dir, "inflight", &q->inflight);
	mybrd_debugfs_counter(dir, "max_inflight", &q->max_inflight);
}

static void mybrd_debugfs_create(struct mybrd_device *dev)
{
	int i;

	dev->debugfs = debugfs_create_dir(MYBRD_NAME, NULL);
	debugfs_create_file_unsafe("nr_pages", 0444, dev->debugfs, dev,
				   &mybrd_nr_pages_fops);
	mybrd_debugfs_counter(dev->debugfs, "requests", &dev->nr_requests);
	mybrd_debugfs_counter(dev->debugfs, "bios", &dev->nr_bios);
	mybrd_debugfs_counter(dev->debugfs, "segments", &dev->nr_segments);
	for (i = 0; i < nr_hw_queues; i++)
		mybrd_debugfs_queue(dev->debugfs, &dev->queues[i]);
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

/* The struct mybrd_queue of each hardware queue. */
static int mybrd_alloc_queues(struct mybrd_device *dev)
{
	int i;

	if (!nr_hw_queues)		/* not given: one per CPU */
		nr_hw_queues = num_online_cpus();
	dev->queues = kcalloc(nr_hw_queues, sizeof(*dev->queues), GFP_KERNEL);
	if (!dev->queues)
		return -ENOMEM;
	for (i = 0; i < nr_hw_queues; i++)
		dev->queues[i].index = i;
	return 0;
}

/* The tag set: how many hardware queues, how deep, served by which ops. */
static int mybrd_alloc_tag_set(struct mybrd_device *dev)
{
	struct blk_mq_tag_set *set = &dev->tag_set;

	set->ops = &mybrd_mq_ops;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->driver_data = dev;
	/* Room for a struct mybrd_cmd behind each request. */
	set->cmd_size = sizeof(struct mybrd_cmd);
	/* TODO 2: Lab 03 had one hardware queue of MYBRD_QUEUE_DEPTH
	 * requests. Take them from the parameters instead: nr_hw_queues
	 * (mybrd_alloc_queues() made it one per CPU if it was not given) and
	 * hw_queue_depth. blk-mq maps every CPU to one of the queues
	 * (/sys/block/mybrd/mq/N/cpu_list) and allocates hw_queue_depth tags
	 * for each (mq/N/nr_tags): no more requests can be in flight on it.
	 */
	set->nr_hw_queues = 1;
	set->queue_depth = MYBRD_QUEUE_DEPTH;
	return blk_mq_alloc_tag_set(set);
}

/* The disk and its request queue, made from the tag set. */
static struct gendisk *mybrd_alloc_disk(struct mybrd_device *dev)
{
	return blk_mq_alloc_disk(&dev->tag_set, dev);
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
	err = mybrd_alloc_queues(&mybrd);
	if (err)
		goto out_unregister;
	mybrd_debugfs_create(&mybrd);

	err = mybrd_create_disk();
	if (err)
		goto out_remove_debugfs;

	pr_info("registered major %d, %d MiB, %u hardware queues of %u\n",
		mybrd.major, size_mb, mybrd.tag_set.nr_hw_queues,
		mybrd.tag_set.queue_depth);
	return 0;

out_remove_debugfs:
	debugfs_remove(mybrd.debugfs);
	kfree(mybrd.queues);
out_unregister:
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	return err;
}

static void __exit mybrd_exit(void)
{
	/* del_gendisk() waits for the I/O in flight: then the store is ours. */
	del_gendisk(mybrd.disk);
	put_disk(mybrd.disk);
	blk_mq_free_tag_set(&mybrd.tag_set);
	mybrd_free_store(&mybrd);
	debugfs_remove(mybrd.debugfs);
	kfree(mybrd.queues);
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	pr_info("unregistered major %d\n", mybrd.major);
}

module_init(mybrd_init);
module_exit(mybrd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mybrd lab 04: a RAM disk with several hardware queues");
MODULE_AUTHOR("mybrd labs");
