// SPDX-License-Identifier: GPL-2.0
/*
 * lab02-bio checker: the driver stores data. What is written reads back,
 * at any sector, buffered or O_DIRECT, across page boundaries; sectors
 * never written read as zeros; pages are allocated on first write and
 * freed at unload; reads reach the driver once the page cache is dropped;
 * ext4 works on it; /sys/block/mybrd/stat counts its I/O. Lab 01's
 * registration still holds.
 *
 * Each test is a shell function of tests.sh run in the VM (helpers from
 * harness/guest/) and a judge of the "key=value" facts it printed, its
 * status and its dmesg; judge_data.h judges the data helpers' facts.
 */
#include "core_tests.h"
#include "lab.h"
#include "symptom.h"
#include "judge_data.h"

#include <stdio.h>
#include <string.h>

static const char *const HINT_STORE =
	"TODO 1 stores a page on first write (mybrd_insert_page()) and finds "
	"it again (mybrd_lookup_page()); TODO 2 copies each chunk; TODO 4 "
	"ends the bio with BLK_STS_OK once every segment is done";

/*
 * Where a step's I/O error comes from: mybrd_do_bio() failing a bio
 * (judge_data.c's expect_step() gives it).
 */
static const char *const HINT_IO_ERROR =
	"I/O errors come from mybrd_do_bio(): TODO 4 must "
	"go on past a segment that worked (a write also fails "
	"while mybrd_insert_page(), TODO 1, returns NULL)";

/* --- lab 01's behaviour, still required ------------------------------ */

static void judge_registered(struct judge *j)
{
	expect_registered_default(j);
	judge_hint(j, "the debugfs file is given code: mybrd_debugfs_create() "
		   "runs before add_disk()");
	expect_that(j, fact_of(j, "nr_pages") &&
		    strcmp(fact_of(j, "nr_pages"), "none") != 0,
		    "/sys/kernel/debug/mybrd/nr_pages exists",
		    "no such file");
	judge_hint(j, "TODOs 1 and 2: only a write allocates pages; a read of "
		   "a sector without a page zeroes it (memzero_page())");
	expect_fact(j, "nr_pages", "0",
		    "nr_pages is 0 after insmod: add_disk() reads the disk to "
		    "look for partitions, and reads allocate nothing");
}

static void judge_refused(struct judge *j)
{
	static const char *const sizes[] = { "zero", "negative", "huge" };

	expect_ok(j);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char key[32], expected[128];
		const char *rc;

		snprintf(key, sizeof(key), "rc_%s", sizes[i]);
		rc = fact_of(j, key);
		snprintf(expected, sizeof(expected),
			 "insmod with a %s size_mb fails", sizes[i]);
		expect_that(j, rc && strcmp(rc, "0") != 0, expected,
			    "insmod succeeded");
		snprintf(key, sizeof(key), "left_%s", sizes[i]);
		snprintf(expected, sizeof(expected),
			 "after the refused insmod (%s), no mybrd in "
			 "/proc/devices, no /sys/block/mybrd", sizes[i]);
		expect_fact(j, key, "nothing", expected);
	}
}

static void judge_rmmod(struct judge *j)
{
	expect_ok(j);
	expect_fact(j, "loaded_disk", "yes", "after insmod, /sys/block/mybrd");
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_fact(j, "major", "", "after rmmod, no mybrd in /proc/devices");
	expect_fact(j, "disk", "no", "after rmmod, no /sys/block/mybrd");
	expect_fact(j, "node", "no", "after rmmod, no /dev/mybrd");
	judge_hint(j, "mybrd_exit() removes the debugfs directory (given code)");
	expect_fact(j, "debugfs", "no",
		    "after rmmod, no /sys/kernel/debug/mybrd");
	judge_hint(j, NULL);
	expect_fact(j, "reload_rc", "0",
		    "a second insmod works: nothing was left behind");
}

/* --- the data path ---------------------------------------------------- */

static void judge_whole_disk(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "write", "writing 8 MiB of random data over the whole "
		    "disk (dd bs=1M)");
	expect_step(j, "read", "reading the whole disk back (dd bs=1M)");
	expect_same(j, "buffered",
		    "the disk reads back what was written");
	expect_step(j, "read_direct", "reading it again with O_DIRECT");
	expect_same(j, "direct",
		    "the disk read with O_DIRECT is what was written too");
	expect_number(j, "nr_pages", 2048,
		      "nr_pages is 2048: 8 MiB in 4 KiB pages");
}

static void judge_odd_sectors(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w_direct_7", "an O_DIRECT write of sector 7 (the last "
		    "sector of store page 0)");
	expect_step(j, "w_direct_9", "an O_DIRECT write of sector 9 (page 1)");
	expect_step(j, "w_buffered_3", "a buffered write of sector 3 (the "
		    "page cache reads page 0, changes 512 bytes, writes 4 KiB)");
	expect_step(j, "w_buffered_13", "a buffered 1 KiB write at sector 13");
	judge_hint(j, "TODO 2: the data of a sector is at mybrd_offset(sector) "
		   "in its store page, not at offset 0; and TODO 4 advances "
		   "sector by each segment's bv_len >> SECTOR_SHIFT");
	expect_read(j, "r_direct_7", "sector 7 (O_DIRECT)");
	expect_read(j, "r_direct_9", "sector 9 (O_DIRECT)");
	expect_read(j, "r_direct_3", "sector 3 (O_DIRECT)");
	expect_read(j, "r_direct_13", "sectors 13-14 (O_DIRECT)");
	expect_read(j, "r_buffered", "the first 64 KiB (buffered)");
}

static void judge_crossing(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w_direct_4k_at_7", "an O_DIRECT 4 KiB write at sector "
		    "7 (sectors 7-14: store pages 0 and 1)");
	expect_step(j, "w_direct_8k_at_21", "an O_DIRECT 8 KiB write at sector "
		    "21 (sectors 21-36: pages 2, 3 and 4)");
	expect_step(j, "w_buffered_2k_at_46", "a buffered 2 KiB write at "
		    "sector 46 (sectors 46-49: pages 5 and 6)");
	judge_hint(j, "TODO 2: a segment can run from one store page into the "
		   "next; copy it in chunks of mybrd_chunk(sector, len) bytes, "
		   "advancing off, sector and len after each chunk");
	expect_read(j, "r_direct_4k_at_7", "sectors 7-14 (O_DIRECT)");
	expect_read(j, "r_direct_8k_at_21", "sectors 21-36 (O_DIRECT)");
	expect_read(j, "r_direct_2k_at_46", "sectors 46-49 (O_DIRECT)");
	expect_read(j, "r_direct_all", "the first 64 KiB (O_DIRECT, 16 KiB "
		    "reads)");
}

static void judge_zeros(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w_sector_7", "an O_DIRECT write of sector 7");
	expect_step(j, "w_page_5", "an O_DIRECT write of page 5 (sectors "
		    "40-47)");
	judge_hint(j, "TODO 1: alloc_page() with __GFP_ZERO, or the sectors of "
		   "a page that were not written show old memory");
	expect_read(j, "r_page_0", "page 0, where only sector 7 was written, "
		    "with zeros around it");
	judge_hint(j, "TODO 2: a chunk without a store page must be zeroed "
		   "(memzero_page()): the reader's buffer still holds what it "
		   "read before");
	expect_step(j, "r_pages_5_6_read", "an O_DIRECT read of pages 5 and 6 "
		    "through one 4 KiB buffer (dd bs=4096 count=2)");
	expect_same(j, "r_pages_5_6", "page 6, never written, reads as zeros "
		    "even though the buffer held page 5's data just before");
	judge_hint(j, NULL);
	expect_read(j, "r_all", "the whole disk (buffered): zeros except the "
		    "two writes");
	expect_number(j, "nr_pages", 2, "nr_pages is 2: pages 0 and 5");
}

static void judge_end(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w_last_sector", "an O_DIRECT write of the last sector "
		    "(8191)");
	expect_read(j, "r_last_sector", "the last sector (O_DIRECT)");
	expect_step(j, "w_last_page", "a buffered write of the last 4 KiB "
		    "(sectors 8184-8191)");
	expect_read(j, "r_last_page", "the last 4 KiB (O_DIRECT)");
	judge_hint(j, "the kernel refuses I/O past the end before it reaches "
		   "the driver; TODO 4's check is the driver's own guard");
	expect_failed(j, "w_beyond_direct",
		      "an O_DIRECT write of sector 8192, past the end, fails");
	expect_failed(j, "w_beyond", "a buffered write of sector 8192 fails");
	expect_fact(j, "r_beyond_bytes", "0",
		    "a read at sector 8192 returns 0 bytes (end of file)");
	expect_read(j, "r_after", "the last 4 KiB after the failed writes "
		    "(unchanged)");
}

static void judge_lazy(struct judge *j)
{
	judge_hint(j, "TODO 1: count each page you store in dev->nr_pages; "
		   "only mybrd_insert_page() allocates");
	expect_ok(j);
	expect_number(j, "loaded", 0,
		      "nr_pages is 0 after insmod of a 64 MiB disk: nothing "
		      "is allocated before it is written");
	expect_step(j, "w_1m", "an O_DIRECT write of 1 MiB at 8 MiB");
	expect_number(j, "after_1m", 256,
		      "after writing 1 MiB, nr_pages is 256 (not 16384: pages "
		      "for the whole capacity)");
	expect_step(j, "w_again", "writing the same 1 MiB again");
	expect_number(j, "after_rewrite", 256,
		      "writing the same sectors again allocates nothing: "
		      "nr_pages is still 256");
	expect_step(j, "r_all", "reading the whole 64 MiB");
	expect_number(j, "after_read", 256,
		      "reading never-written sectors allocates nothing: "
		      "nr_pages is still 256");
	expect_step(j, "w_sector", "an O_DIRECT write of sector 1");
	expect_number(j, "after_sector", 257,
		      "one 512-byte write to a new page allocates one page: "
		      "257");
}

/*
 * Free memory is MemFree plus the pages on the per-CPU free lists (6.12
 * keeps up to ~10 MiB there, out of MemFree). Measured: 0.2-0.4 MiB of
 * difference around a load and unload that frees everything; a driver
 * that leaks its store loses 32 MiB. 4 MiB is far from both. Writing the
 * 32 MiB once made free memory drop by only 30000 KiB on 6.12 (the kernel
 * freed 2.7 MiB of its own meanwhile): 28 MiB is the bound, far from a
 * driver that stores nothing (0).
 */
#define LEAK_TOLERANCE_KB 4096
#define STORE_SEEN_KB (28 * 1024)

static void judge_memory(struct judge *j)
{
	long used = -1, leaked = -1;
	bool measured = fact_number(j, "used_kb", &used) &&
			fact_number(j, "leaked_kb", &leaked);

	expect_ok(j);
	expect_step(j, "w_32m", "an O_DIRECT write of 32 MiB");
	judge_hint(j, "TODO 1: count each page you store in dev->nr_pages");
	expect_number(j, "nr_pages", 8192, "nr_pages is 8192 after 32 MiB");
	judge_hint(j, NULL);
	expect_that(j, measured && used >= STORE_SEEN_KB,
		    "free memory drops by about 32 MiB while the disk holds "
		    "32 MiB of data",
		    "it dropped by %ld KiB", used);
	expect_fact(j, "rmmod", "ok", "rmmod mybrd succeeds");
	expect_that(j, measured && leaked <= LEAK_TOLERANCE_KB,
		    "after rmmod, free memory is back to within 4 MiB of its "
		    "value before insmod",
		    "%ld KiB are still missing (the store is %ld KiB)", leaked,
		    used);
}

static void judge_from_driver(struct judge *j)
{
	const char *counted = fact_of(j, "sectors_read_after_drop");
	long sectors = -1;

	expect_ok(j);
	expect_step(j, "w_fsync", "writing 1 MiB with dd conv=fsync while "
		    "the device is held open");
	expect_step(j, "r_cached", "reading it back");
	expect_same(j, "cached", "it reads back what was written");
	expect_step(j, "r_dropped", "reading it again after echo 1 > "
		    "/proc/sys/vm/drop_caches");
	expect_same(j, "dropped", "after drop_caches, the data read (now "
		    "from the driver) is still what was written");
	judge_hint(j, "TODO 5: bio_start_io_acct()/bio_end_io_acct() make "
		   "/sys/block/mybrd/stat count the reads");
	fact_number(j, "sectors_read_after_drop", &sectors);
	expect_that(j, sectors >= 2048,
		    "after drop_caches, reading 1 MiB reaches the driver: "
		    "/sys/block/mybrd/stat counts >= 2048 more sectors read",
		    "it counted %s", counted ? counted : "nothing");
}

static void judge_stat(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w", "an O_DIRECT write of 1 MiB in 16 writes of "
		    "64 KiB");
	expect_step(j, "r", "an O_DIRECT read of the same 1 MiB");
	expect_number(j, "write_sectors", 2048,
		      "/sys/block/mybrd/stat field 7 (sectors written) grows "
		      "by 2048");
	expect_number(j, "writes", 16,
		      "field 5 (writes completed) grows by 16: one bio per "
		      "O_DIRECT write");
	expect_number(j, "read_sectors", 2048,
		      "field 3 (sectors read) grows by 2048");
	expect_number(j, "reads", 16, "field 1 (reads completed) grows by 16");
	judge_hint(j, "TODO 5: each bio_start_io_acct() needs its "
		   "bio_end_io_acct(), or the I/O stays in flight");
	expect_number(j, "in_flight", 0, "field 9 (I/Os in flight) is 0 after");
}

static void judge_partition(struct judge *j)
{
	expect_ok(j);
	expect_step(j, "w_mbr", "writing an MBR partition table to sector 0");
	expect_step(j, "rereadpt", "blockdev --rereadpt /dev/mybrd");
	expect_fact(j, "part", "2048 4096",
		    "/sys/block/mybrd/mybrd1 shows the partition: start 2048, "
		    "size 4096 sectors");
	expect_fact(j, "part_node", "yes", "/dev/mybrd1 is a block device");
	expect_step(j, "w_part", "an O_DIRECT write of 4 KiB at the start of "
		    "/dev/mybrd1");
	expect_step(j, "r_disk", "an O_DIRECT read of 4 KiB at sector 2048 "
		    "of /dev/mybrd");
	judge_hint(j, "the block layer adds the partition's start to "
		   "bi_sector before submit_bio: use bi_sector as it is");
	expect_same(j, "part_data", "what was written at sector 0 of the "
		    "partition is at sector 2048 of the disk");
	judge_hint(j, "bi_sector is the disk's sector, the partition's start "
		   "added: check bio_end_sector(bio) against the whole disk's "
		   "capacity, get_capacity(bio->bi_bdev->bd_disk), not the "
		   "partition's size");
	expect_step(j, "w_part_end", "an O_DIRECT write of the partition's "
		    "last 4 KiB (its sectors 4088-4095)");
	expect_step(j, "r_disk_end", "an O_DIRECT read of 4 KiB at sector "
		    "6136 of /dev/mybrd");
	expect_same(j, "part_end_data", "what was written at the partition's "
		    "last sectors is at sectors 6136-6143 of the disk");
}

static void judge_ext4(struct judge *j)
{
	expect_fact(j, "kmods", "ok", "the ext4 module loads (harness)");
	expect_ok(j);
	expect_step(j, "mkfs", "mkfs.ext4 /dev/mybrd");
	expect_step(j, "mount1", "mount -t ext4 /dev/mybrd");
	expect_step(j, "files", "writing a 2 MiB file and a small one");
	expect_step(j, "umount1", "umount");
	expect_step(j, "fsck", "e2fsck -fn /dev/mybrd finds no error, and");
	expect_step(j, "mount2", "mounting it again");
	expect_same(j, "data", "the 2 MiB file reads back the same");
	expect_fact(j, "hello", "hello", "the small file reads \"hello\"");
}

/* --- the tests -------------------------------------------------------- */

static const struct lab_test tests[] = {
	{
		/* Lab 01's; the skeleton passes. A driver fails it that
		 * touches mybrd.disk in submit_bio: add_disk()'s partition
		 * scan calls it before mybrd.disk is set, an oops.
		 */
		.name = "loads_cleanly",
		.behaviour = "insmod mybrd.ko succeeds: no oops, BUG, WARNING or I/O error in dmesg",
		.judge = judge_loads_cleanly,
		.hint = "insmod's error and dmesg say what failed: add_disk() "
			"already reads the disk (partition scan) through "
			"mybrd_submit_bio()",
		.skeleton_fails = true,
	},
	{
		/* Lab 01's registration and lab 02's debugfs file; the
		 * skeleton passes. A driver fails it that allocates pages on
		 * read (nr_pages > 0 after add_disk()'s partition scan).
		 */
		.name = "registers_disk",
		.behaviour = "the major, /dev/mybrd (4 MiB) and debugfs nr_pages = 0 after insmod",
		.judge = judge_registered,
		.hint = "lab 01's code is given: compare with its solution",
	},
	{
		/* Lab 01's; the skeleton passes (its size check is given).
		 * A driver without mybrd_check_size() fails it.
		 */
		.name = "rejects_invalid_sizes",
		.behaviour = "size_mb=0, -1 and 1048576 are refused, leaving nothing registered",
		.judge = judge_refused,
		.hint = "mybrd_check_size() must run before anything is registered",
	},
	{
		/* Lab 01's, plus the debugfs directory; the skeleton passes.
		 * A driver fails it that leaves /sys/kernel/debug/mybrd or
		 * the disk behind at rmmod.
		 */
		.name = "rmmod_removes_everything",
		.behaviour = "rmmod removes the disk, the major and the debugfs directory; insmod works again",
		.judge = judge_rmmod,
		.hint = "mybrd_exit(): del_gendisk(), put_disk(), free the store, "
			"debugfs_remove(), unregister_blkdev()",
	},
	{
		.name = "whole_disk_round_trip",
		.behaviour = "8 MiB of random data written over the whole disk reads back the same",
		.judge = judge_whole_disk,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "odd_sector_io",
		.behaviour = "512-byte writes at odd sectors, O_DIRECT and buffered, read back at the right place",
		.judge = judge_odd_sectors,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "page_crossing_io",
		.behaviour = "I/O that runs from one store page into the next reads back the same",
		.judge = judge_crossing,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "unwritten_sectors_read_zero",
		.behaviour = "sectors never written read as zeros, in a written page and in a hole",
		.judge = judge_zeros,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "io_at_end_of_disk",
		.behaviour = "the last sectors work; I/O past the end fails with an error, no oops",
		.judge = judge_end,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "pages_allocated_on_write",
		.behaviour = "nr_pages grows with the data written, not with the capacity or with reads",
		.judge = judge_lazy,
		.hint = "TODO 1: mybrd_insert_page() allocates; TODO 2's reads only look up",
		.skeleton_fails = true,
	},
	{
		.name = "unload_frees_memory",
		.behaviour = "32 MiB written use 32 MiB of RAM; rmmod gives it back",
		.judge = judge_memory,
		.hint = "TODO 6: mybrd_free_store() frees every page (xa_for_each(), "
			"__free_page()) and the xarray (xa_destroy())",
		.skeleton_fails = true,
	},
	{
		.name = "reads_come_from_driver",
		.behaviour = "with the device held open and the page cache dropped, reads reach the driver and return the data",
		.judge = judge_from_driver,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "stat_counts_io",
		.behaviour = "/sys/block/mybrd/stat counts the bios read and written, and their sectors",
		.judge = judge_stat,
		.hint = "TODO 5: bio_start_io_acct() before the I/O, "
			"bio_end_io_acct() after it, before bio_endio()",
		.skeleton_fails = true,
	},
	{
		.name = "partition_table_is_read",
		.behaviour = "a partition table written to the disk is read; I/O to the partition lands at its offset",
		.judge = judge_partition,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
	{
		.name = "ext4_round_trip",
		.behaviour = "mkfs.ext4, mount, write files, umount, e2fsck clean, mount again: the files are intact",
		.judge = judge_ext4,
		.hint = HINT_STORE,
		.skeleton_fails = true,
	},
};

/* The likely TODO when the failed data comparisons share a symptom. */
static const struct symptom_hints symptoms = {
	.wrong_page = "TODO 4: move sector past each segment, sector += bvec.bv_len >> SECTOR_SHIFT (or every segment lands on the first one's sectors); TODO 1: a sector's page is at index sector >> PAGE_SECTORS_SHIFT, in xa_load() and xa_cmpxchg() alike",
	.holes = "TODO 2: a chunk without a store page is memzero_page(page, off, chunk): the segment's page holds whatever was read into it before",
};

static const struct lab lab02 = {
	.id = "lab02-bio",
	.title = "a bio-based RAM disk",
	LAB_TESTS(tests),
	.symptoms = &symptoms,
	.guest_programs = (const char *const[]){
		"/usr/sbin/mkfs.ext4", "/usr/sbin/e2fsck", NULL },
	.kernel_modules = (const char *const[]){
		"crc32c_generic?", "ext4", NULL },
};

int main(int argc, char **argv)
{
	judge_data_io_error_hint(HINT_IO_ERROR);
	return lab_main(&lab02, argc, argv);
}
