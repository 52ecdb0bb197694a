// SPDX-License-Identifier: GPL-2.0
/*
 * mybrd, lab 06: system calls, flushes and the page cache's way out.
 *
 * Lab 05's RAM disk, which now shows where its I/O comes from. With
 * stack=1 it prints the call stack of every write: a buffered write
 * reaches the disk inside close(2), fsync(2) or sync(2), never inside
 * write(2). With write_cache=1 it declares a volatile write cache, so
 * fsync(2) also sends it a flush, which it counts in
 * /sys/kernel/debug/mybrd/flushes. With trace_evict=1 a kprobe prints the
 * call stack whenever the kernel drops mybrd's clean cached pages (echo 1
 * > /proc/sys/vm/drop_caches). At load it logs where system calls enter
 * the kernel (MSR_LSTAR), and each trace line names the system call the
 * bio came from. Follows the "mybrd" book (Linux v4.4), on Linux 6.1, 6.12
 * and 7.3.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/msr.h>
#include <asm/syscall.h>
#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include "mybrd_compat.h"

#define MYBRD_NAME		"mybrd"
#define MYBRD_MAX_SIZE_MB	1024
#define MYBRD_SECTORS_PER_MB	(SZ_1M / SECTOR_SIZE)

static int size_mb = 4;
module_param(size_mb, int, 0444);
MODULE_PARM_DESC(size_mb, "Size of the disk in MiB (1-1024, default 4)");

static bool trace;
module_param(trace, bool, 0644);
MODULE_PARM_DESC(trace, "Log every bio to the kernel log (default 0)");

static bool stack;
module_param(stack, bool, 0644);
MODULE_PARM_DESC(stack, "Print the call stack of every bio that writes data (default 0)");

static bool stack_reads;
module_param(stack_reads, bool, 0644);
MODULE_PARM_DESC(stack_reads, "Print the call stack of every bio that reads data (default 0)");

static bool write_cache;
module_param(write_cache, bool, 0444);
MODULE_PARM_DESC(write_cache, "Declare a volatile write cache: fsync sends flushes (default 0)");

static bool trace_evict;
module_param(trace_evict, bool, 0444);
MODULE_PARM_DESC(trace_evict, "Print the call stack when mybrd's page cache is dropped (default 0)");

/* What mybrd_init() sets up and mybrd_exit() releases. */
static struct mybrd_device {
	int major;
	struct gendisk *disk;
	/* The disk's data: page i holds sectors 8i to 8i+7 (4 KiB pages). */
	struct xarray pages;
	atomic_long_t nr_pages;		/* pages in the store */
	atomic_long_t flushes;		/* REQ_PREFLUSH bios received */
	struct dentry *debugfs;		/* /sys/kernel/debug/mybrd */
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
 * The number of the system call the current task is in, or -1 in a kernel
 * thread, which came in through none (the flusher's write-back). At entry
 * the kernel saved the task's registers at the top of its stack, rax (the
 * number) among them: 0 read, 1 write, 3 close, 74 fsync, 162 sync
 * (arch/x86/entry/syscalls/syscall_64.tbl).
 */
static int mybrd_syscall_nr(void)
{
	/* TODO 8: A kernel thread (current->flags & PF_KTHREAD) is in no
	 * system call: return -1. Otherwise return syscall_get_nr(current,
	 * task_pt_regs(current)): the number entry_SYSCALL_64 saved.
	 */
	if (current->flags & PF_KTHREAD)
		return -1;
	return syscall_get_nr(current, task_pt_regs(current));
	/* SKELETON: return -1; */
	/* END TODO 8 */
}

/*
 * Logs the bio, while the trace parameter is set, in one line that the
 * checker parses (lab 05's line, and the system call it came from):
 *
 *	mybrd: WRITE sector=800 bytes=4096 flags=0x801 syscall=3
 */
static void mybrd_trace_bio(struct bio *bio)
{
	if (!trace)
		return;
	pr_info("%s sector=%llu bytes=%u flags=0x%x syscall=%d\n",
		blk_op_str(bio_op(bio)),
		(unsigned long long)bio->bi_iter.bi_sector,
		bio->bi_iter.bi_size, bio->bi_opf, mybrd_syscall_nr());
}

/* Prints how the kernel came to write, while the stack parameter is set. */
static void mybrd_dump_write_stack(struct bio *bio)
{
	/* TODO 1: If stack is set and the bio writes data (op_is_write() of
	 * bio_op(bio), and bio_has_data(): an empty flush has none), call
	 * dump_stack(): it prints "Call Trace:" and the functions that led
	 * here, innermost first, as the book did in its make_request_fn.
	 */
	if (stack && op_is_write(bio_op(bio)) && bio_has_data(bio))
		dump_stack();
	/* END TODO 1 */
}

/* Prints how the kernel came to read, while stack_reads is set. */
static void mybrd_dump_read_stack(struct bio *bio)
{
	/* TODO 9: The same for reads: if stack_reads is set and the bio
	 * reads data (bio_op(bio) == REQ_OP_READ, bio_has_data()),
	 * dump_stack(). A read that misses the page cache shows the path of
	 * read(2) through readahead to the driver.
	 */
	if (stack_reads && bio_op(bio) == REQ_OP_READ && bio_has_data(bio))
		dump_stack();
	/* END TODO 9 */
}

/*
 * Counts the flushes. With a write cache declared (write_cache=1),
 * fsync(2) ends with a bio flagged REQ_PREFLUSH: "make what you have
 * written so far durable". A bio-based driver receives it as an empty
 * REQ_OP_WRITE (no data, bi_size 0), or on a write that carries data.
 * A RAM disk has no cache between it and its store: everything written
 * is already there, and ending the bio is the whole answer.
 */
static void mybrd_count_flush(struct mybrd_device *dev, struct bio *bio)
{
	/* TODO 3: If bio->bi_opf has REQ_PREFLUSH, count it in dev->flushes
	 * (atomic_long_inc()). Nothing else: the empty bio goes on through
	 * mybrd_do_bio(), which finds no segment and ends it with
	 * BLK_STS_OK.
	 */
	if (bio->bi_opf & REQ_PREFLUSH)
		atomic_long_inc(&dev->flushes);
	/* END TODO 3 */
}

/* Does the bio's I/O; returns the status to end it with. */
static blk_status_t mybrd_do_bio(struct mybrd_device *dev, struct bio *bio)
{
	sector_t sector = bio->bi_iter.bi_sector;
	struct bvec_iter iter;
	struct bio_vec bvec;
	int err;

	if (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE)
		return BLK_STS_NOTSUPP;
	if (bio_end_sector(bio) > get_capacity(bio->bi_bdev->bd_disk))
		return BLK_STS_IOERR;

	bio_for_each_segment(bvec, bio, iter) {
		err = mybrd_do_bvec(dev, bvec.bv_page, bvec.bv_len,
				    bvec.bv_offset, bio->bi_opf, sector);
		if (err == -ENOMEM && (bio->bi_opf & REQ_NOWAIT))
			return BLK_STS_AGAIN;
		if (err)
			return BLK_STS_IOERR;
		sector += bvec.bv_len >> SECTOR_SHIFT;
	}
	return BLK_STS_OK;
}

/*
 * The block layer calls this for every bio sent to /dev/mybrd (v4.4: the
 * make_request_fn set with blk_queue_make_request()). It must end the bio.
 */
static void mybrd_submit_bio(struct bio *bio)
{
	struct mybrd_device *dev = bio->bi_bdev->bd_disk->private_data;
	unsigned long start;
	blk_status_t status;

	/* First: once ended, the bio may be freed. */
	mybrd_trace_bio(bio);
	mybrd_dump_write_stack(bio);
	mybrd_dump_read_stack(bio);
	mybrd_count_flush(dev, bio);

	start = bio_start_io_acct(bio);
	status = mybrd_do_bio(dev, bio);
	bio_end_io_acct(bio, start);

	if (status == BLK_STS_AGAIN) {
		/* REQ_NOWAIT: BLK_STS_AGAIN, and no error in the log. */
		bio_wouldblock_error(bio);
		return;
	}
	bio->bi_status = status;
	bio_endio(bio);
}

static const struct block_device_operations mybrd_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= mybrd_submit_bio,
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

/* TODO 4: A read-only debugfs file "flushes" beside nr_pages, showing
 * dev->flushes: write mybrd_flushes_get() like mybrd_nr_pages_get(), and
 * mybrd_flushes_fops with DEFINE_DEBUGFS_ATTRIBUTE(); then create the file
 * in mybrd_debugfs_create().
 */
static int mybrd_flushes_get(void *data, u64 *val)
{
	struct mybrd_device *dev = data;

	*val = atomic_long_read(&dev->flushes);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(mybrd_flushes_fops, mybrd_flushes_get, NULL,
			 "%llu\n");
/* END TODO 4 */

/*
 * /sys/kernel/debug/mybrd/nr_pages: how many pages the store holds. Debugfs
 * is optional: a driver does not fail, nor check, because of it.
 */
static void mybrd_debugfs_create(struct mybrd_device *dev)
{
	dev->debugfs = debugfs_create_dir(MYBRD_NAME, NULL);
	debugfs_create_file_unsafe("nr_pages", 0444, dev->debugfs, dev,
				   &mybrd_nr_pages_fops);
	/* TODO 4: /sys/kernel/debug/mybrd/flushes, 0444, mybrd_flushes_fops. */
	debugfs_create_file_unsafe("flushes", 0444, dev->debugfs, dev,
				   &mybrd_flushes_fops);
	/* END TODO 4 */
}

/*
 * The way out of the page cache. drop_caches (fs/drop_caches.c) walks every
 * superblock, the block devices' own among them, and calls
 * invalidate_mapping_pages(mapping, 0, -1) for each inode's page cache:
 * clean, unused pages are dropped, dirty ones stay. A kprobe on that
 * function runs a handler at its entry, for every mapping in the system.
 */

/* TODO 5: Write the kprobe's handler, mybrd_evict_pre(struct kprobe *p,
 * struct pt_regs *regs), returning 0. The probed function's first
 * argument, the mapping, is regs_get_kernel_argument(regs, 0). Only if it
 * is mybrd's page cache, mybrd_bdev_mapping(disk->part0) (6.1:
 * part0->bd_inode->i_mapping; mybrd_compat.h hides 6.12's bd_mapping),
 * pr_info() "evict nrpages=%lu" with mapping->nrpages, then dump_stack().
 * Read mybrd.disk once (READ_ONCE()): it is NULL until add_disk() is done.
 * Then define the probe: static struct kprobe mybrd_evict_probe, with
 * .symbol_name "invalidate_mapping_pages" and .pre_handler your handler.
 */
static int mybrd_evict_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct address_space *mapping;
	struct gendisk *disk = READ_ONCE(mybrd.disk);

	mapping = (struct address_space *)regs_get_kernel_argument(regs, 0);
	if (!disk || mapping != mybrd_bdev_mapping(disk->part0))
		return 0;
	pr_info("evict nrpages=%lu\n", mapping->nrpages);
	dump_stack();
	return 0;
}

static struct kprobe mybrd_evict_probe = {
	.symbol_name	= "invalidate_mapping_pages",
	.pre_handler	= mybrd_evict_pre,
};

/* END TODO 5 */

/* With trace_evict=1, puts the probe on invalidate_mapping_pages(). */
static int mybrd_probe_evictions(void)
{
	/* TODO 6: If trace_evict is set, register_kprobe(&mybrd_evict_probe)
	 * and return its error, after a pr_err() naming it. The probe must be
	 * gone before the module is (TODO 6 in mybrd_unprobe_evictions()).
	 * Declare this function's local variables first, here.
	 */
	int err;

	if (!trace_evict)
		return 0;
	err = register_kprobe(&mybrd_evict_probe);
	if (err)
		pr_err("cannot probe %s: %d\n", mybrd_evict_probe.symbol_name,
		       err);
	return err;
	/* SKELETON: return 0; */
	/* END TODO 6 */
}

static void mybrd_unprobe_evictions(void)
{
	/* TODO 6: If trace_evict is set, unregister_kprobe(). */
	if (trace_evict)
		unregister_kprobe(&mybrd_evict_probe);
	/* END TODO 6 */
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

static int mybrd_create_disk(void)
{
	struct gendisk *disk;
	int err;

	disk = blk_alloc_disk(NUMA_NO_NODE);
	if (!disk)
		return -ENOMEM;

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
	/* Send us REQ_NOWAIT bios (mybrd_gfp()): else the block layer fails
	 * them with BLK_STS_NOTSUPP before they reach us.
	 */
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	/* TODO 2: If write_cache is set, declare a volatile write cache
	 * without FUA: blk_queue_write_cache(disk->queue, true, false). The
	 * block layer then passes flushes on to the driver instead of ending
	 * them itself, and /sys/block/mybrd/queue/write_cache says "write
	 * back". (6.12 keeps this in the queue limits, BLK_FEAT_WRITE_CACHE:
	 * mybrd_compat.h turns the 6.1 call into that.)
	 */
	if (write_cache)
		blk_queue_write_cache(disk->queue, true, false);
	/* END TODO 2 */

	err = add_disk(disk);
	if (err)
		goto out_put_disk;

	mybrd.disk = disk;
	return 0;

out_put_disk:
	put_disk(disk);
	return err;
}

/*
 * Where system calls enter the kernel. At boot, syscall_init()
 * (arch/x86/kernel/cpu/common.c) writes the address of entry_SYSCALL_64
 * into the CPU's MSR_LSTAR register; the syscall instruction jumps there.
 * Logs it once, at load:
 *
 *	mybrd: syscall entry entry_SYSCALL_64 at 0xffffffff81c00080
 */
static void mybrd_show_syscall_entry(void)
{
	/* TODO 7: Read the register with rdmsrl(MSR_LSTAR, lstar) (a u64),
	 * then pr_info("syscall entry %ps at 0x%llx\n", (void *)lstar,
	 * lstar): %ps prints the name of the symbol at an address.
	 * Declare this function's local variables first, here.
	 */
	u64 lstar;

	rdmsrl(MSR_LSTAR, lstar);
	pr_info("syscall entry %ps at 0x%llx\n", (void *)lstar, lstar);
	/* END TODO 7 */
}

static int __init mybrd_init(void)
{
	int err;

	mybrd_show_syscall_entry();
	err = mybrd_check_size();
	if (err)
		return err;

	err = mybrd_register_major();
	if (err)
		return err;

	/* The store must be ready before add_disk() reads the disk. */
	xa_init(&mybrd.pages);
	atomic_long_set(&mybrd.nr_pages, 0);
	atomic_long_set(&mybrd.flushes, 0);
	mybrd_debugfs_create(&mybrd);

	/* Before the disk: its handler ignores everything until mybrd.disk. */
	err = mybrd_probe_evictions();
	if (err)
		goto out_remove_debugfs;

	err = mybrd_create_disk();
	if (err)
		goto out_unprobe;

	pr_info("registered major %d, %d MiB\n", mybrd.major, size_mb);
	return 0;

out_unprobe:
	mybrd_unprobe_evictions();
out_remove_debugfs:
	debugfs_remove(mybrd.debugfs);
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	return err;
}

static void __exit mybrd_exit(void)
{
	/* First: the probe's handler reads the disk. */
	mybrd_unprobe_evictions();
	/* del_gendisk() waits for the I/O in flight: then the store is ours. */
	del_gendisk(mybrd.disk);
	put_disk(mybrd.disk);
	mybrd_free_store(&mybrd);
	debugfs_remove(mybrd.debugfs);
	unregister_blkdev(mybrd.major, MYBRD_NAME);
	pr_info("unregistered major %d\n", mybrd.major);
}

module_init(mybrd_init);
module_exit(mybrd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mybrd lab 06: a RAM disk that shows where its I/O comes from");
MODULE_AUTHOR("mybrd labs");
