// SPDX-License-Identifier: GPL-2.0
/*
 * lab03-request checker: the RAM disk of lab 02 behind a blk-mq queue with
 * one hardware queue. Its data must survive as before; on top, the disk
 * must be blk-mq (one hardware queue, mq-deadline by default), and the
 * counters the driver keeps in /sys/kernel/debug/mybrd/ must show what
 * ->queue_rq() received: requests made of several merged bios, unless
 * merging is turned off, in agreement with /sys/block/mybrd/stat.
 * Each test is a shell function of tests.sh run in the VM and a judge of
 * what it printed ("key=value" facts), its status and its dmesg; what the
 * judges share with lab04-mq is in judge_mq.h.
 */
#include "core_tests.h"
#include "lab.h"
#include "symptom.h"
#include "judge_data.h"
#include "judge_mq.h"

#include <stdio.h>

#define LOAD_HINT \
	"TODOs 1 and 2: insmod fails until the tag set is described " \
	"(TODO 1: an empty one is refused with -EINVAL) and " \
	"blk_mq_alloc_disk() makes the disk (TODO 2)"

/*
 * The three debugfs counters of the deltas prefix_{requests,bios,segments}
 * (tests.sh's counter_deltas); fails if one is missing.
 */
static bool expect_deltas(struct judge *j, const char *prefix, long *req,
			  long *bios, long *segs)
{
	static const char *const name[] = { "requests", "bios", "segments" };
	long *got[] = { req, bios, segs };

	for (int i = 0; i < 3; i++)
		if (!expect_that(j, fact_number_fmt(j, got[i], "%s_%s", prefix,
						    name[i]),
				 "/sys/kernel/debug/mybrd/{requests,bios,segments} exist",
				 "%s is missing", name[i]))
			return false;
	return true;
}

/* The three debugfs counters moved by prefix_{requests,bios,segments}. */
static bool expect_counted(struct judge *j, const char *prefix, long req,
			   long bios, long segs, const char *what)
{
	char expected[256];
	long got[3];

	if (!expect_deltas(j, prefix, &got[0], &got[1], &got[2]))
		return false;
	snprintf(expected, sizeof(expected),
		 "%s: %ld request(s), %ld bio(s), %ld segment(s) reach ->queue_rq()",
		 what, req, bios, segs);
	return expect_that(j, got[0] == req && got[1] == bios &&
			   got[2] == segs, expected,
			   "requests +%ld, bios +%ld, segments +%ld",
			   got[0], got[1], got[2]);
}

/* ---- data: what lab 02 checked, now through ->queue_rq() ---- */

static void judge_data(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_same(j, "verdict",
		    "what was written reads back the same");
}

static void judge_odd_sectors(struct judge *j)
{
	char key[8], what[64];

	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_step(j, "w7", "a buffered 512-byte write at sector 7");
	for (int s = 13; s <= 20; s++) {
		snprintf(key, sizeof(key), "w%d", s);
		snprintf(what, sizeof(what),
			 "a 512-byte O_DIRECT write at sector %d", s);
		expect_step(j, key, what);
	}
	expect_read(j, "r7", "sectors 7 to 20 (one O_DIRECT read)");
}

static void judge_zeros(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_same(j, "zeros",
		    "a fresh disk reads as zeros from end to end");
	judge_hint(j, "mybrd_do_bvec(): a read must not allocate pages");
	expect_fact(j, "nr_pages", "0",
		    "reading a fresh disk allocates no page (nr_pages stays 0)");
}

static void judge_beyond_end(struct judge *j)
{
	const char *w = fact_of(j, "write_rc");

	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_that(j, nonzero_status(w),
		    "a write starting at the end of the disk fails",
		    "dd exited %s", w ? w : "(nothing)");
	expect_fact(j, "read_bytes", "0",
		    "a direct read at the end of the disk reads 0 bytes");
	expect_same(j, "last_sector",
		    "the last sector itself can be written and read back");
}

/* ---- blk-mq ---- */

static void judge_one_queue(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_fact(j, "mq", "yes",
		    "/sys/block/mybrd/mq exists: the disk has a blk-mq queue");
	expect_fact(j, "hw_queues", "1",
		    "/sys/block/mybrd/mq has one directory: one hardware queue");
	expect_fact(j, "nr_tags", "64",
		    "/sys/block/mybrd/mq/0/nr_tags is 64 (MYBRD_QUEUE_DEPTH)");
}

static void judge_scheduler(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_fact_contains(j, "scheduler", "[mq-deadline]",
			     "/sys/block/mybrd/queue/scheduler selects [mq-deadline], "
			     "blk-mq's default for one hardware queue");
}

static void judge_counts(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_counted(j, "read", 1, 1, 1,
		       "a 4 KiB O_DIRECT read");
	expect_counted(j, "write", 1, 1, 2,
		       "an 8 KiB O_DIRECT write (one bio of two pages)");
	judge_hint(j, "TODOs 3 and 4: the data must still be right");
	expect_same(j, "verdict",
		    "the 8 KiB written read back the same");
}

static void judge_merges(struct judge *j)
{
	long req = 0, bios = 0, segs = 0;
	bool ok;

	if (!expect_ran(j, LOAD_HINT))
		return;
	ok = expect_deltas(j, "d", &req, &bios, &segs);
	ok = ok && expect_that(j, bios == 8 && segs == 8,
			       "the 8 written pages reach ->queue_rq() as 8 bios of one segment",
			       "bios +%ld, segments +%ld", bios, segs);
	ok = ok && expect_that(j, req >= 1 && req < bios,
			       "the block layer merged them: fewer requests than bios",
			       "requests +%ld for %ld bios", req, bios);
	judge_hint(j, "TODOs 3 and 4: merged requests must still copy every bio");
	if (ok)
		expect_same(j, "verdict",
			    "the 32 KiB read back the same");
}

static void judge_nomerges(struct judge *j)
{
	long req = 0, bios = 0, segs = 0;

	if (!expect_ran(j, LOAD_HINT) ||
	    !expect_deltas(j, "d", &req, &bios, &segs))
		return;
	expect_that(j, bios == 8 && req == 8,
		    "with queue/nomerges=2, each of the 8 bios is its own request",
		    "requests +%ld, bios +%ld", req, bios);
	expect_same(j, "verdict", "the 32 KiB read back the same");
}

static void judge_stat(struct judge *j)
{
	long req = 0, bios = 0, segs = 0, writes = 0, merges = 0, sectors = 0;

	if (!expect_ran(j, LOAD_HINT) ||
	    !expect_deltas(j, "d", &req, &bios, &segs))
		return;
	fact_number(j, "d_writes", &writes);
	fact_number(j, "d_write_merges", &merges);
	fact_number(j, "d_write_sectors", &sectors);
	expect_that(j, sectors == 64,
		    "/sys/block/mybrd/stat counts 64 sectors written (field 7)",
		    "%ld sectors", sectors);
	expect_that(j, writes == req,
		    "stat's write I/Os (field 5) equal the requests ->queue_rq() counted",
		    "stat: %ld write I/Os, driver: %ld requests", writes, req);
	expect_that(j, merges == bios - req,
		    "stat's write merges (field 6) equal bios - requests the driver counted",
		    "stat: %ld merges, driver: %ld bios - %ld requests = %ld",
		    merges, bios, req, bios - req);
}

static void judge_unload(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_unloaded(j);
	expect_fact(j, "insmod2_rc", "0", "a second insmod succeeds");
	expect_same(j, "verdict2",
		    "the reloaded disk is empty again (zeros)");
}

/*
 * loads_cleanly is the shared function (registration.sh): its status is
 * insmod's, which this names as such before the dmesg and status checks.
 */
static void judge_loads(struct judge *j)
{
	const struct test_result *r = j->result;

	if (r->ended)
		expect_that(j, r->rc == 0,
			    "insmod mybrd.ko succeeds (with this test's parameters)",
			    "insmod exited %d", r->rc);
	judge_loads_cleanly(j);
}

static const struct lab_test tests[] = {
	{
		.name = "loads_cleanly",
		.behaviour = "insmod mybrd.ko succeeds: no oops, BUG, WARNING or I/O error in dmesg",
		.judge = judge_loads,
		.hint = LOAD_HINT,
		.skeleton_fails = true,
	},
	{
		.name = "whole_disk_checksum",
		.behaviour = "4 MiB written through the page cache read back the same (O_DIRECT)",
		.judge = judge_data,
		.hint = "TODO 4: every segment goes to mybrd_do_bvec() at its own sector; TODO 3 ends the request with the status",
		.skeleton_fails = true,
	},
	{
		.name = "odd_sectors_512",
		.behaviour = "512-byte writes at sectors 7 (buffered) and 13-20 (O_DIRECT) read back, zeros between",
		.judge = judge_odd_sectors,
		.hint = "TODO 4: sector starts at blk_rq_pos(rq) and moves bv_len >> SECTOR_SHIFT per segment",
		.skeleton_fails = true,
	},
	{
		.name = "unwritten_reads_zero",
		.behaviour = "a fresh disk reads as zeros and reading allocates no page",
		.judge = judge_zeros,
		.hint = "TODOs 3 and 4: reads must complete with BLK_STS_OK",
		.skeleton_fails = true,
	},
	{
		.name = "beyond_end_fails",
		.behaviour = "I/O at sector 8192 fails or reads nothing; sector 8191 works",
		.judge = judge_beyond_end,
		.hint = "TODOs 3 and 4: the last sector is an ordinary one",
		.skeleton_fails = true,
	},
	{
		.name = "blk_mq_one_hw_queue",
		.behaviour = "/sys/block/mybrd/mq has one hardware queue of 64 tags",
		.judge = judge_one_queue,
		.hint = "TODO 1: nr_hw_queues = 1, queue_depth = MYBRD_QUEUE_DEPTH; TODO 2: blk_mq_alloc_disk()",
		.skeleton_fails = true,
	},
	{
		.name = "scheduler_is_mq_deadline",
		.behaviour = "queue/scheduler shows [mq-deadline], the default with one hardware queue",
		.judge = judge_scheduler,
		.hint = "TODO 1: one hardware queue (nr_hw_queues = 1) gets mq-deadline; TODO 2: the disk must be blk-mq",
		.skeleton_fails = true,
	},
	{
		.name = "counts_requests_bios_segments",
		.behaviour = "debugfs counts a 4 KiB direct read as 1/1/1, an 8 KiB direct write as 1/1/2",
		.judge = judge_counts,
		.hint = "TODO 5: requests +1 per call, bios +1 per __rq_for_each_bio, segments +1 per rq_for_each_segment",
		.skeleton_fails = true,
	},
	{
		.name = "sequential_writes_merge",
		.behaviour = "8 x 4 KiB written then closed reach ->queue_rq() as fewer requests than bios",
		.judge = judge_merges,
		.hint = "TODO 5: count each bio of a request (__rq_for_each_bio), not one per request",
		.skeleton_fails = true,
	},
	{
		.name = "nomerges_one_request_per_bio",
		.behaviour = "with queue/nomerges=2, 8 bios make 8 requests",
		.judge = judge_nomerges,
		.hint = "TODO 5: count one request per ->queue_rq() call and each bio in it",
		.skeleton_fails = true,
	},
	{
		.name = "stat_agrees_with_counters",
		.behaviour = "/sys/block/mybrd/stat: write I/Os = requests, write merges = bios - requests",
		.judge = judge_stat,
		.hint = "TODO 5: blk-mq counts requests and merges in stat itself; your counters must see the same (count every call, every bio)",
		.skeleton_fails = true,
	},
	{
		.name = "rmmod_and_reload",
		.behaviour = "rmmod removes the disk and debugfs; a reload starts empty",
		.judge = judge_unload,
		.hint = "TODO 6 and mybrd_exit(): del_gendisk(), put_disk(), blk_mq_free_tag_set(), free the store, remove debugfs",
		.skeleton_fails = true,
	},
	TEST_REQUESTS_ARE_STARTED("TODO 3: blk_mq_start_request(rq) before the data is copied, blk_mq_end_request(rq, status) after", true),
	TEST_CORE_REGISTRATION("lab 01's registration is given code here: mybrd_check_size() before anything is registered, set_capacity() in sectors; TODO 6 undoes init in reverse order", true),
	TEST_CORE_DATA("TODO 4: every segment of every bio at its own sector (rq_for_each_segment, the sector advanced by bv_len >> SECTOR_SHIFT); the page store of lab 02 (mybrd_offset(), zeroed holes) is given", true),
};

/* The likely TODO when the failed data comparisons share a symptom. */
static const struct symptom_hints symptoms = {
	.wrong_page = "TODO 4: sector starts at blk_rq_pos(rq) and moves bv_len >> SECTOR_SHIFT after each segment of rq_for_each_segment() (or every segment lands on the first one's sectors)",
	.holes = "lab 02's store is given code: mybrd_copy_from_store() zeroes a chunk without a store page (memzero_page()); TODO 4 must read through it",
};

static const struct lab lab03 = {
	.id = "lab03-request",
	.title = "blk-mq with one hardware queue",
	LAB_TESTS(tests),
	.symptoms = &symptoms,
};

int main(int argc, char **argv)
{
	judge_mq_load_hint(LOAD_HINT);
	return lab_main(&lab03, argc, argv);
}
