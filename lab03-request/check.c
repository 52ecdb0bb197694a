// SPDX-License-Identifier: GPL-2.0
/*
 * lab03-request checker: the RAM disk of lab 02 behind a blk-mq queue with
 * one hardware queue. Its data must survive as before; on top, the disk
 * must be blk-mq (one hardware queue, mq-deadline by default), and the
 * counters the driver keeps in /sys/kernel/debug/mybrd/ must show what
 * ->queue_rq() received: requests made of several merged bios, unless
 * merging is turned off, in agreement with /sys/block/mybrd/stat.
 * Each test is a shell fragment run in the VM and a judge of what it
 * printed ("key=value" facts), its status and its dmesg.
 */
#include "lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shell helpers the fragments share (the harness's lib.sh has the rest).
 *
 * load_or_say: insmod with the given parameters, print insmod_rc.
 * counters: requests bios segments (the driver's debugfs counters) and
 *   writes write_merges write_sectors (fields 5 to 7 of
 *   /sys/block/mybrd/stat, Documentation/block/stat.rst), one line.
 * deltas PREFIX BEFORE AFTER: PREFIX_requests=..., one fact per field,
 *   the change between two counters lines ("none" if a file is missing).
 * run CMD...: runs CMD; if it fails, prints io_failed="CMD: why" and ends
 *   the test (its judge says which command failed and why).
 * io ARGS: run dd ARGS status=none.
 * random_file NAME KIB: a file of random bytes.
 */
#define HELPERS \
	"load_or_say() { load_mybrd \"$@\"; rc=$?; fact insmod_rc $rc; " \
	"return $rc; }\n" \
	"D=/sys/kernel/debug/mybrd\n" \
	"counter() { cat \"$D/$1\" 2>/dev/null || echo none; }\n" \
	"counters() {\n" \
	"  echo $(counter requests) $(counter bios) $(counter segments)" \
	" $(awk '{ print $5, $6, $7 }' /sys/block/mybrd/stat)\n" \
	"}\n" \
	"deltas() {\n" \
	"  echo \"$2 $3\" | awk -v p=\"$1\" '{\n" \
	"    n = split(\"requests bios segments writes write_merges" \
	" write_sectors\", k, \" \")\n" \
	"    for (i = 1; i <= n; i++) {\n" \
	"      d = ($i ~ /^[0-9]+$/ && $(i + n) ~ /^[0-9]+$/) ?" \
	" $(i + n) - $i : \"none\"\n" \
	"      printf \"%s_%s=%s\\n\", p, k[i], d\n" \
	"    }\n" \
	"  }'\n" \
	"}\n" \
	"run() {\n" \
	"  if ! msg=$(\"$@\" 2>&1); then\n" \
	"    fact io_failed \"$*: $msg\"; exit 0\n" \
	"  fi\n" \
	"}\n" \
	"io() { run dd \"$@\" status=none; }\n" \
	"random_file() { io if=/dev/urandom of=\"$1\" bs=1k count=\"$2\"; }\n"

#define LOAD_HINT \
	"TODOs 1 and 2: insmod fails until the tag set is described " \
	"(TODO 1: an empty one is refused with -EINVAL) and " \
	"blk_mq_alloc_disk() makes the disk (TODO 2)"

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The fact key as a number; false if missing or not a number. */
static bool number_of(const struct judge *j, const char *key, long *n)
{
	const char *v = fact_of(j, key);

	if (!is_number(v))
		return false;
	*n = strtol(v, NULL, 10);
	return true;
}

/* The test's insmod succeeded (printed by load_or_say). */
static bool expect_loaded(struct judge *j)
{
	bool ok;

	judge_hint(j, LOAD_HINT);
	ok = expect_fact(j, "insmod_rc", "0",
			 "insmod mybrd.ko succeeds (with this test's parameters)");
	judge_hint(j, NULL);
	return ok;
}

/* Every dd run with io() succeeded (else io_failed says which and why). */
static bool expect_io(struct judge *j)
{
	const char *failed = fact_of(j, "io_failed");

	return expect_that(j, !failed, "every dd of the test succeeds",
			   "%s", failed ? failed : "");
}

/* The module was loaded, every dd worked, the test ended well. */
static bool expect_ran(struct judge *j)
{
	return expect_loaded(j) && expect_io(j) && expect_ok(j);
}

/* The three debugfs counters moved by prefix_{requests,bios,segments}. */
static bool expect_counted(struct judge *j, const char *prefix, long req,
			   long bios, long segs, const char *what)
{
	char key[3][64], expected[256];
	long got[3];

	snprintf(key[0], sizeof(key[0]), "%s_requests", prefix);
	snprintf(key[1], sizeof(key[1]), "%s_bios", prefix);
	snprintf(key[2], sizeof(key[2]), "%s_segments", prefix);
	for (int i = 0; i < 3; i++)
		if (!expect_that(j, number_of(j, key[i], &got[i]),
				 "/sys/kernel/debug/mybrd/{requests,bios,segments} exist",
				 "%s is missing", key[i] + strlen(prefix) + 1))
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
	if (!expect_ran(j))
		return;
	expect_fact(j, "verdict", "same",
		    "what was written reads back the same");
}

static void judge_zeros(struct judge *j)
{
	if (!expect_ran(j))
		return;
	expect_fact(j, "zeros", "yes",
		    "a fresh disk reads as zeros from end to end");
	judge_hint(j, "mybrd_do_bvec(): a read must not allocate pages");
	expect_fact(j, "nr_pages", "0",
		    "reading a fresh disk allocates no page (nr_pages stays 0)");
}

static void judge_beyond_end(struct judge *j)
{
	const char *w = fact_of(j, "write_rc");

	if (!expect_ran(j))
		return;
	expect_that(j, w && !same(w, "0"),
		    "a write starting at the end of the disk fails",
		    "dd exited %s", w ? w : "(nothing)");
	expect_fact(j, "read_bytes", "0",
		    "a direct read at the end of the disk reads 0 bytes");
	expect_fact(j, "last_sector", "same",
		    "the last sector itself can be written and read back");
}

/* ---- blk-mq ---- */

static void judge_one_queue(struct judge *j)
{
	if (!expect_ran(j))
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
	const char *s = fact_of(j, "scheduler");

	if (!expect_ran(j))
		return;
	expect_that(j, s && strstr(s, "[mq-deadline]"),
		    "/sys/block/mybrd/queue/scheduler selects [mq-deadline], "
		    "blk-mq's default for one hardware queue",
		    "scheduler: %s", s && *s ? s : "(empty)");
}

static void judge_counts(struct judge *j)
{
	if (!expect_ran(j))
		return;
	expect_counted(j, "read", 1, 1, 1,
		       "a 4 KiB O_DIRECT read");
	expect_counted(j, "write", 1, 1, 2,
		       "an 8 KiB O_DIRECT write (one bio of two pages)");
	judge_hint(j, "TODOs 3 and 4: the data must still be right");
	expect_fact(j, "verdict", "same",
		    "the 8 KiB written read back the same");
}

static void judge_merges(struct judge *j)
{
	long req = 0, bios = 0, segs = 0;
	bool ok;

	if (!expect_ran(j))
		return;
	ok = expect_that(j, number_of(j, "d_requests", &req) &&
			 number_of(j, "d_bios", &bios) &&
			 number_of(j, "d_segments", &segs),
			 "/sys/kernel/debug/mybrd/{requests,bios,segments} exist",
			 "a counter is missing");
	ok = ok && expect_that(j, bios == 8 && segs == 8,
			       "the 8 written pages reach ->queue_rq() as 8 bios of one segment",
			       "bios +%ld, segments +%ld", bios, segs);
	ok = ok && expect_that(j, req >= 1 && req < bios,
			       "the block layer merged them: fewer requests than bios",
			       "requests +%ld for %ld bios", req, bios);
	judge_hint(j, "TODOs 3 and 4: merged requests must still copy every bio");
	if (ok)
		expect_fact(j, "verdict", "same",
			    "the 32 KiB read back the same");
}

static void judge_nomerges(struct judge *j)
{
	long req = 0, bios = 0;

	if (!expect_ran(j))
		return;
	if (!expect_that(j, number_of(j, "d_requests", &req) &&
			 number_of(j, "d_bios", &bios),
			 "/sys/kernel/debug/mybrd/{requests,bios} exist",
			 "a counter is missing"))
		return;
	expect_that(j, bios == 8 && req == 8,
		    "with queue/nomerges=2, each of the 8 bios is its own request",
		    "requests +%ld, bios +%ld", req, bios);
	expect_fact(j, "verdict", "same", "the 32 KiB read back the same");
}

static void judge_stat(struct judge *j)
{
	long req = 0, bios = 0, writes = 0, merges = 0, sectors = 0;

	if (!expect_ran(j))
		return;
	if (!expect_that(j, number_of(j, "d_requests", &req) &&
			 number_of(j, "d_bios", &bios),
			 "/sys/kernel/debug/mybrd/{requests,bios} exist",
			 "a counter is missing"))
		return;
	number_of(j, "d_writes", &writes);
	number_of(j, "d_write_merges", &merges);
	number_of(j, "d_write_sectors", &sectors);
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
	if (!expect_ran(j))
		return;
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_fact(j, "disk", "no", "after rmmod, no /sys/block/mybrd");
	expect_fact(j, "debugfs", "no",
		    "after rmmod, no /sys/kernel/debug/mybrd");
	expect_fact(j, "insmod2_rc", "0", "a second insmod succeeds");
	expect_fact(j, "verdict2", "zeros",
		    "the reloaded disk is empty again (zeros)");
}

static void judge_ran_only(struct judge *j)
{
	expect_ran(j);
}

/* ---- scripts ---- */

/* Prints verdict=same if the files $1 and $2 are equal, else different. */
#define VERDICT \
	"verdict() { if cmp -s \"$2\" \"$3\"; then fact \"$1\" same; " \
	"else fact \"$1\" different; fi; }\n"

/* 4 MiB of random bytes through the page cache, read back O_DIRECT. */
#define WHOLE_DISK \
	HELPERS VERDICT \
	"load_or_say || exit 0\n" \
	"random_file /tmp/img 4096\n" \
	"io if=/tmp/img of=/dev/mybrd bs=64k\n" \
	"io if=/dev/mybrd of=/tmp/back bs=64k iflag=direct\n" \
	"verdict verdict /tmp/img /tmp/back\n"

/*
 * 512-byte pieces at odd sectors: sector 7 (the last of page 0) written
 * through the page cache, sectors 13 to 20 (across pages 1 and 2) by
 * eight 512-byte O_DIRECT writes; sectors 7 to 20 read back O_DIRECT
 * must be the first piece, 5 sectors of zeros, the second piece.
 */
#define ODD_SECTORS \
	HELPERS VERDICT \
	"load_or_say || exit 0\n" \
	"random_file /tmp/a 1 && head -c 512 /tmp/a > /tmp/a1\n" \
	"random_file /tmp/b 4\n" \
	"io if=/dev/zero of=/tmp/z bs=512 count=5\n" \
	"cat /tmp/a1 /tmp/z /tmp/b > /tmp/want\n" \
	"io if=/tmp/a1 of=/dev/mybrd bs=512 seek=7\n" \
	"io if=/tmp/b of=/dev/mybrd bs=512 seek=13 oflag=direct\n" \
	"io if=/dev/mybrd of=/tmp/got bs=512 skip=7 count=14 iflag=direct\n" \
	"verdict verdict /tmp/want /tmp/got\n"

#define ZEROS \
	HELPERS \
	"load_or_say || exit 0\n" \
	"io if=/dev/zero of=/tmp/zero bs=64k count=64\n" \
	"io if=/dev/mybrd of=/tmp/disk bs=64k\n" \
	"if cmp -s /tmp/zero /tmp/disk; then fact zeros yes; " \
	"else fact zeros no; fi\n" \
	"fact nr_pages \"$(cat $D/nr_pages 2>/dev/null)\"\n"

/* The disk is 8192 sectors: sector 8192 is the first beyond its end. */
#define BEYOND_END \
	HELPERS VERDICT \
	"load_or_say || exit 0\n" \
	"dd if=/dev/urandom of=/dev/mybrd bs=512 seek=8192 count=1" \
	" status=none 2>/dev/null\n" \
	"fact write_rc $?\n" \
	"fact read_bytes $(dd if=/dev/mybrd bs=512 skip=8192 count=1" \
	" iflag=direct 2>/dev/null | wc -c)\n" \
	"random_file /tmp/l 1 && head -c 512 /tmp/l > /tmp/last\n" \
	"io if=/tmp/last of=/dev/mybrd bs=512 seek=8191 oflag=direct\n" \
	"io if=/dev/mybrd of=/tmp/got bs=512 skip=8191 iflag=direct\n" \
	"verdict last_sector /tmp/last /tmp/got\n"

#define ONE_QUEUE \
	HELPERS \
	"load_or_say || exit 0\n" \
	"if [ -d /sys/block/mybrd/mq ]; then fact mq yes; else fact mq no; fi\n" \
	"fact hw_queues $(ls /sys/block/mybrd/mq 2>/dev/null | wc -l)\n" \
	"fact nr_tags \"$(cat /sys/block/mybrd/mq/0/nr_tags 2>/dev/null)\"\n"

#define SCHEDULER \
	HELPERS \
	"load_or_say || exit 0\n" \
	"fact scheduler \"$(cat /sys/block/mybrd/queue/scheduler)\"\n"

/* One O_DIRECT read and one write, each counted on its own. */
#define COUNTS \
	HELPERS VERDICT \
	"load_or_say || exit 0\n" \
	"random_file /tmp/w 8\n" \
	"c0=$(counters)\n" \
	"io if=/dev/mybrd of=/dev/null bs=4k count=1 iflag=direct\n" \
	"c1=$(counters)\n" \
	"io if=/tmp/w of=/dev/mybrd bs=8k count=1 seek=4 oflag=direct\n" \
	"c2=$(counters)\n" \
	"deltas read \"$c0\" \"$c1\"\n" \
	"deltas write \"$c1\" \"$c2\"\n" \
	"io if=/dev/mybrd of=/tmp/got bs=8k count=1 skip=4 iflag=direct\n" \
	"verdict verdict /tmp/w /tmp/got\n"

/*
 * Eight 4 KiB writes through the page cache: they reach the driver when
 * dd closes the disk (the last close writes the dirty pages back), as 8
 * bios submitted under one plug. $1 runs first (queue settings).
 */
#define EIGHT_WRITES(setup) \
	HELPERS VERDICT \
	"load_or_say || exit 0\n" \
	setup \
	"random_file /tmp/w 32\n" \
	"c0=$(counters)\n" \
	"io if=/tmp/w of=/dev/mybrd bs=4k count=8\n" \
	"c1=$(counters)\n" \
	"deltas d \"$c0\" \"$c1\"\n" \
	"io if=/dev/mybrd of=/tmp/got bs=4k count=8 iflag=direct\n" \
	"verdict verdict /tmp/w /tmp/got\n"

#define UNLOAD \
	HELPERS \
	"load_or_say || exit 0\n" \
	"io if=/dev/urandom of=/dev/mybrd bs=4k count=16\n" \
	"rmmod mybrd; fact rmmod_rc $?\n" \
	"if [ -e /sys/block/mybrd ]; then fact disk yes; else fact disk no; fi\n" \
	"if [ -e $D ]; then fact debugfs yes; else fact debugfs no; fi\n" \
	"load_mybrd; fact insmod2_rc $?\n" \
	"io if=/dev/zero of=/tmp/zero bs=4k count=16\n" \
	"io if=/dev/mybrd of=/tmp/got bs=4k count=16 iflag=direct\n" \
	"if cmp -s /tmp/zero /tmp/got; then fact verdict2 zeros; " \
	"else fact verdict2 data; fi\n"

static const struct lab_test tests[] = {
	{
		.name = "loads_cleanly",
		.behaviour = "insmod mybrd.ko succeeds with no oops, BUG or WARNING",
		.script = HELPERS "load_or_say\n",
		.judge = judge_ran_only,
		.hint = LOAD_HINT,
		.skeleton_fails = true,
	},
	{
		.name = "whole_disk_checksum",
		.behaviour = "4 MiB written through the page cache read back the same (O_DIRECT)",
		.script = WHOLE_DISK,
		.judge = judge_data,
		.hint = "TODO 4: every segment goes to mybrd_do_bvec() at its own sector; TODO 3 ends the request with the status",
		.skeleton_fails = true,
	},
	{
		.name = "odd_sectors_512",
		.behaviour = "512-byte writes at sectors 7 and 13-20 (buffered, O_DIRECT) read back, zeros between",
		.script = ODD_SECTORS,
		.judge = judge_data,
		.hint = "TODO 4: sector starts at blk_rq_pos(rq) and moves bv_len >> SECTOR_SHIFT per segment",
		.skeleton_fails = true,
	},
	{
		.name = "unwritten_reads_zero",
		.behaviour = "a fresh disk reads as zeros and reading allocates no page",
		.script = ZEROS,
		.judge = judge_zeros,
		.hint = "TODOs 3 and 4: reads must complete with BLK_STS_OK",
		.skeleton_fails = true,
	},
	{
		.name = "beyond_end_fails",
		.behaviour = "I/O at sector 8192 fails or reads nothing; sector 8191 works",
		.script = BEYOND_END,
		.judge = judge_beyond_end,
		.hint = "TODOs 3 and 4: the last sector is an ordinary one",
		.skeleton_fails = true,
	},
	{
		.name = "blk_mq_one_hw_queue",
		.behaviour = "/sys/block/mybrd/mq has one hardware queue of 64 tags",
		.script = ONE_QUEUE,
		.judge = judge_one_queue,
		.hint = "TODO 1: nr_hw_queues = 1, queue_depth = MYBRD_QUEUE_DEPTH; TODO 2: blk_mq_alloc_disk()",
		.skeleton_fails = true,
	},
	{
		.name = "scheduler_is_mq_deadline",
		.behaviour = "queue/scheduler shows [mq-deadline], the default with one hardware queue",
		.script = SCHEDULER,
		.judge = judge_scheduler,
		.hint = "TODO 1: one hardware queue (nr_hw_queues = 1) gets mq-deadline; TODO 2: the disk must be blk-mq",
		.skeleton_fails = true,
	},
	{
		.name = "counts_requests_bios_segments",
		.behaviour = "debugfs counts a 4 KiB direct read as 1/1/1, an 8 KiB direct write as 1/1/2",
		.script = COUNTS,
		.judge = judge_counts,
		.hint = "TODO 5: requests +1 per call, bios +1 per __rq_for_each_bio, segments +1 per rq_for_each_segment",
		.skeleton_fails = true,
	},
	{
		.name = "sequential_writes_merge",
		.behaviour = "8 x 4 KiB written then closed reach ->queue_rq() as fewer requests than bios",
		.script = EIGHT_WRITES(""),
		.judge = judge_merges,
		.hint = "TODO 5: count each bio of a request (__rq_for_each_bio), not one per request",
		.skeleton_fails = true,
	},
	{
		.name = "nomerges_one_request_per_bio",
		.behaviour = "with queue/nomerges=2, 8 bios make 8 requests",
		.script = EIGHT_WRITES("echo 2 > /sys/block/mybrd/queue/nomerges || exit\n"),
		.judge = judge_nomerges,
		.hint = "TODO 5: count one request per ->queue_rq() call and each bio in it",
		.skeleton_fails = true,
	},
	{
		.name = "stat_agrees_with_counters",
		.behaviour = "/sys/block/mybrd/stat: write I/Os = requests, write merges = bios - requests",
		.script = EIGHT_WRITES(""),
		.judge = judge_stat,
		.hint = "TODO 5: blk-mq counts requests and merges in stat itself; your counters must see the same (count every call, every bio)",
		.skeleton_fails = true,
	},
	{
		.name = "rmmod_and_reload",
		.behaviour = "rmmod removes the disk and debugfs; a reload starts empty",
		.script = UNLOAD,
		.judge = judge_unload,
		.hint = "TODO 6 and mybrd_exit(): del_gendisk(), put_disk(), blk_mq_free_tag_set(), free the store, remove debugfs",
		.skeleton_fails = true,
	},
};

static const struct lab lab03 = {
	.id = "lab03-request",
	.title = "blk-mq with one hardware queue",
	LAB_TESTS(tests),
};

int main(int argc, char **argv)
{
	return lab_main(&lab03, argc, argv);
}
