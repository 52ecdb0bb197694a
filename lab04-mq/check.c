// SPDX-License-Identifier: GPL-2.0
/*
 * lab04-mq checker: lab 03's RAM disk with nr_hw_queues hardware queues
 * of hw_queue_depth requests, per-queue counters in debugfs and, with
 * completion=1, requests ended later from an hrtimer. The tests check
 * what blk-mq shows in /sys/block/mybrd/mq/, that I/O from a CPU is
 * dispatched on the hardware queue blk-mq maps that CPU to, that no queue
 * ever has more requests in flight than its depth, that data survives
 * parallel writers and timer completion, and that bad parameters are
 * refused at insmod. Each test is a shell function of tests.sh run in the
 * VM and a judge of what it printed ("key=value" facts), its status and
 * its dmesg; what the judges share with lab03-request is in judge_mq.h.
 * The VM has 2 CPUs.
 */
#include "core_tests.h"
#include "lab.h"
#include "symptom.h"
#include "judge_data.h"
#include "judge_mq.h"

#include <stdio.h>
#include <string.h>

#define LOAD_HINT \
	"insmod must succeed with these parameters: TODO 1 accepts " \
	"nr_hw_queues 1 to the number of CPUs, hw_queue_depth 1 to 1024, " \
	"completion 0 or 1"

/* PREFIX_queues is want: /sys/block/mybrd/mq lists want hardware queues. */
static bool expect_queues(struct judge *j, const char *prefix, long want,
			  const char *when)
{
	char expected[160];
	long n = -1;

	snprintf(expected, sizeof(expected),
		 "%s, /sys/block/mybrd/mq has %ld hardware queue director%s",
		 when, want, want == 1 ? "y" : "ies");
	fact_number_fmt(j, &n, "%s_queues", prefix);
	return expect_that(j, n == want, expected, "%ld", n);
}

/* What queue_facts printed for the (at most two) hardware queues. */
struct queue_counts {
	long dispatched[2], inflight[2], max[2];
};

/*
 * The test ran, PREFIX_queues is nq, and each queue has its debugfs
 * counters; stores them in c. Fails at the first of these that is not so.
 */
static bool ran_with_queues(struct judge *j, const char *prefix, int nq,
			    const char *when, struct queue_counts *c)
{
	if (!expect_ran(j, LOAD_HINT) || !expect_queues(j, prefix, nq, when))
		return false;
	for (int q = 0; q < nq; q++) {
		bool ok = fact_number_fmt(j, &c->dispatched[q], "%s_q%d_dispatched", prefix, q) &&
			  fact_number_fmt(j, &c->inflight[q], "%s_q%d_inflight", prefix, q) &&
			  fact_number_fmt(j, &c->max[q], "%s_q%d_max", prefix, q);

		judge_hint(j, "the per-queue debugfs files are made by mybrd_debugfs_queue() for nr_hw_queues queues");
		if (!expect_that(j, ok,
				 "/sys/kernel/debug/mybrd/queueN/{dispatched,inflight,max_inflight} for each queue",
				 "queue%d's files are missing", q))
			return false;
		judge_hint(j, NULL);
	}
	return true;
}

/* No request is left in flight once the I/O is over. */
static bool expect_idle(struct judge *j, int nq, const long *inflight)
{
	judge_hint(j, "TODO 5: mybrd_queue_done() takes 1 from inflight for every request that ends, on every path (inline, timer, BLK_STS_RESOURCE)");
	for (int q = 0; q < nq; q++)
		if (!expect_that(j, inflight[q] == 0,
				 "once all I/O has ended, queueN/inflight is 0 on every queue",
				 "queue%d/inflight is %ld", q, inflight[q]))
			return false;
	judge_hint(j, NULL);
	return true;
}

/* ---- queues ---- */

static void judge_defaults(struct judge *j)
{
	long cpus = -1, tags = -1, param = -1;

	if (!expect_ran(j, LOAD_HINT))
		return;
	fact_number(j, "cpus", &cpus);
	expect_queues(j, "dflt", cpus, "without parameters (one per online CPU)");
	fact_number(j, "param", &param);
	judge_hint(j, "mybrd_alloc_queues() stores num_online_cpus() in nr_hw_queues when it was not given");
	expect_that(j, param == cpus,
		    "/sys/module/mybrd/parameters/nr_hw_queues says how many were made",
		    "%ld", param);
	judge_hint(j, NULL);
	fact_number(j, "tags", &tags);
	expect_that(j, tags == 64,
		    "mq/0/nr_tags is 64: hw_queue_depth's default",
		    "%ld", tags);
}

static void judge_queues_param(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_queues(j, "one", 1, "with nr_hw_queues=1");
	expect_fact_contains(j, "sched1", "[mq-deadline]",
			     "with one hardware queue, queue/scheduler selects [mq-deadline]");
	expect_queues(j, "two", 2, "with nr_hw_queues=2");
	expect_fact_contains(j, "sched2", "[none]",
			     "with two hardware queues, queue/scheduler selects [none]");
}

static void judge_depth_tags(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_queues(j, "d", 2, "with nr_hw_queues=2 hw_queue_depth=16");
	expect_fact(j, "tags", "16 16",
		    "mq/0/nr_tags and mq/1/nr_tags are both 16");
}

static void judge_cpu_queue(struct judge *j)
{
	struct queue_counts c;

	if (!ran_with_queues(j, "before", 2, "with nr_hw_queues=2", &c))
		return;
	for (int cpu = 0; cpu < 2; cpu++) {
		long q = -1, d[2] = { -1, -1 };
		char expected[200];

		fact_number_fmt(j, &q, "cpu%d_queue", cpu);
		if (!expect_that(j, q == 0 || q == 1,
				 "mq/0/cpu_list or mq/1/cpu_list lists each CPU",
				 "CPU %d is in neither", cpu))
			return;
		fact_number_fmt(j, &d[0], "cpu%d_d0", cpu);
		fact_number_fmt(j, &d[1], "cpu%d_d1", cpu);
		snprintf(expected, sizeof(expected),
			 "16 O_DIRECT writes from CPU %d (taskset) are dispatched on queue %ld, the one its cpu_list names, and none on queue %ld",
			 cpu, q, 1 - q);
		if (!expect_that(j, d[q] == 16 && d[1 - q] == 0, expected,
				 "queue0/dispatched +%ld, queue1/dispatched +%ld",
				 d[0], d[1]))
			return;
	}
	judge_hint(j, "the per-queue accounting must not touch the data: TODOs 3 to 5");
	expect_same(j, "verdict", "the 128 KiB written read back the same");
}

/* ---- in flight ---- */

static void judge_depth_bound(struct judge *j)
{
	struct queue_counts c;

	if (!ran_with_queues(j, "after", 2, "with nr_hw_queues=2", &c))
		return;
	judge_hint(j, "TODO 4: add 1 to dispatched for every request ->queue_rq() takes");
	if (!expect_that(j, c.dispatched[0] > 0 && c.dispatched[1] > 0,
			 "writers on both CPUs dispatch on both queues",
			 "queue0/dispatched %ld, queue1/dispatched %ld",
			 c.dispatched[0], c.dispatched[1]))
		return;
	judge_hint(j, "TODO 5: take 1 from inflight before blk_mq_end_request(): once the tag is free, the next request can be counted first");
	for (int q = 0; q < 2; q++)
		if (!expect_that(j, c.max[q] <= 2,
				 "with hw_queue_depth=2, no queue ever has more than 2 requests in flight (max_inflight <= 2)",
				 "queue%d/max_inflight is %ld", q, c.max[q]))
			return;
	judge_hint(j, "TODOs 6 and 7: with completion=1 a request stays in flight until its timer ends it, so parallel writers fill the queue");
	if (!expect_that(j, c.max[0] == 2 || c.max[1] == 2,
			 "4 parallel writers with 2 ms timer completion fill a queue: max_inflight reaches 2",
			 "max_inflight %ld and %ld", c.max[0], c.max[1]))
		return;
	if (!expect_idle(j, 2, c.inflight))
		return;
	judge_hint(j, NULL);
	expect_same(j, "verdict",
		    "every writer's 1 MiB reads back the same");
}

static void judge_timer_overlap(struct judge *j)
{
	struct queue_counts c;

	if (!ran_with_queues(j, "after", 1, "with nr_hw_queues=1", &c))
		return;
	judge_hint(j, "TODO 4: count every request in queueN/dispatched and inflight");
	if (!expect_that(j, c.dispatched[0] >= 9,
			 "4 x 1 MiB O_DIRECT writes reach ->queue_rq() as 9 or more requests each",
			 "queue0/dispatched %ld", c.dispatched[0]))
		return;
	judge_hint(j, "TODO 7: with completion=1, ->queue_rq() starts the timer and returns; the request ends later (TODO 6)");
	if (!expect_that(j, c.max[0] >= 2 && c.max[0] <= 4,
			 "with completion=1 (1 ms timer), a split 1 MiB write has 2 to 4 (hw_queue_depth) requests in flight at once",
			 "queue0/max_inflight %ld", c.max[0]))
		return;
	if (!expect_idle(j, 1, c.inflight))
		return;
	judge_hint(j, NULL);
	expect_same(j, "verdict", "the 1 MiB read back the same");
}

/* ---- data ---- */

static void judge_parallel(struct judge *j)
{
	struct queue_counts c;

	if (!ran_with_queues(j, "after", 2, "with nr_hw_queues=2", &c))
		return;
	judge_hint(j, "TODOs 3 and 4: each queue counts its own requests");
	if (!expect_that(j, c.dispatched[0] > 0 && c.dispatched[1] > 0,
			 "writers on both CPUs use both hardware queues",
			 "queue0/dispatched %ld, queue1/dispatched %ld",
			 c.dispatched[0], c.dispatched[1]))
		return;
	if (!expect_idle(j, 2, c.inflight))
		return;
	judge_hint(j, NULL);
	expect_same(j, "verdict",
		    "4 parallel writers, each on its own MiB, leave the disk as written");
}

static void judge_timer_data(struct judge *j)
{
	struct queue_counts c;

	if (!ran_with_queues(j, "after", 2, "without parameters (2 CPUs)", &c))
		return;
	judge_hint(j, "TODOs 6 and 7: with completion=1, requests end from the timer, later: several are in flight at once");
	if (!expect_that(j, c.max[0] >= 2 || c.max[1] >= 2,
			 "writing back 4 MiB with a 1 ms timer completion has requests in flight together (max_inflight >= 2)",
			 "max_inflight %ld and %ld", c.max[0], c.max[1]))
		return;
	if (!expect_idle(j, 2, c.inflight))
		return;
	judge_hint(j, "TODO 7: keep the status in the pdu; mybrd_complete_rq() ends the request with it");
	expect_same(j, "verdict",
		    "4 MiB written through the page cache read back the same (O_DIRECT)");
	expect_read(j, "odd",
		    "512-byte O_DIRECT writes at sectors 7 and 13 to 20 (one O_DIRECT read)");
}

static void judge_reload(struct judge *j)
{
	if (!expect_ran(j, LOAD_HINT))
		return;
	expect_queues(j, "first", 2, "with nr_hw_queues=2");
	expect_unloaded(j);
	expect_queues(j, "second", 1, "reloaded with nr_hw_queues=1");
	expect_fact(j, "queue1_dir", "no",
		    "reloaded with one queue, debugfs has no queue1 directory");
	expect_same(j, "verdict", "the reloaded disk reads as zeros");
}

/* ---- parameters ---- */

static void judge_refused(struct judge *j)
{
	int n = 0;

	if (!expect_ok(j))
		return;
	for (int i = 0; i < 4; i++) {
		char key[32], expected[200];
		const char *param, *rc, *err;

		snprintf(key, sizeof(key), "param%d", i);
		param = fact_of(j, key);
		if (!param)
			break;
		n++;
		snprintf(key, sizeof(key), "rc%d", i);
		rc = fact_of(j, key);
		snprintf(key, sizeof(key), "err%d", i);
		err = fact_of(j, key);
		snprintf(expected, sizeof(expected),
			 "insmod mybrd.ko %s fails with \"Invalid argument\"",
			 param);
		if (!expect_that(j, nonzero_status(rc) && err &&
				 strstr(err, "Invalid argument"), expected,
				 "insmod exited %s%s%s", rc ? rc : "?",
				 err && *err ? ": " : "", err ? err : ""))
			return;
		snprintf(key, sizeof(key), "left%d", i);
		snprintf(expected, sizeof(expected),
			 "after insmod %s, no /sys/block/mybrd and no /sys/kernel/debug/mybrd",
			 param);
		if (!expect_fact(j, key, "no", expected))
			return;
	}
	expect_that(j, n > 0, "the test tried its parameters", "nothing ran");
}

static const struct lab_test tests[] = {
	{
		.name = "one_queue_per_cpu_by_default",
		.behaviour = "without parameters: one hardware queue per online CPU, 64 tags each",
		.judge = judge_defaults,
		.hint = "TODO 2: set->nr_hw_queues = nr_hw_queues (made one per CPU if not given)",
		.skeleton_fails = true,
	},
	{
		.name = "hw_queues_follow_parameter",
		.behaviour = "nr_hw_queues=1 and =2 give 1 and 2 directories in /sys/block/mybrd/mq",
		.judge = judge_queues_param,
		.hint = "TODO 2: the tag set takes nr_hw_queues from the parameter",
		.skeleton_fails = true,
	},
	{
		.name = "queue_depth_sets_tags",
		.behaviour = "hw_queue_depth=16 gives each hardware queue 16 tags (mq/N/nr_tags)",
		.judge = judge_depth_tags,
		.hint = "TODO 2: set->queue_depth = hw_queue_depth",
		.skeleton_fails = true,
	},
	{
		.name = "io_dispatched_on_the_cpus_queue",
		.behaviour = "O_DIRECT writes from CPU N land on the hardware queue mq/*/cpu_list maps N to",
		.judge = judge_cpu_queue,
		.hint = "TODO 3: init_hctx gives each hctx its own struct mybrd_queue (&dev->queues[hctx_idx]); TODO 4 counts dispatched there",
		.skeleton_fails = true,
	},
	{
		.name = "inflight_bounded_by_depth",
		.behaviour = "hw_queue_depth=2, timer completion, 4 parallel writers: max_inflight is 2 on a queue, never more",
		.judge = judge_depth_bound,
		.hint = "TODOs 4 and 5: inflight +1 in mybrd_queue_start(), -1 in mybrd_queue_done() before the request ends; max_inflight keeps the highest",
		.skeleton_fails = true,
	},
	{
		.name = "timer_completion_overlaps",
		.behaviour = "completion=1: one writer's split 1 MiB O_DIRECT write has several requests in flight",
		.judge = judge_timer_overlap,
		.hint = "TODO 7: with completion=1, start the request's hrtimer and return true; TODO 6 completes it",
		.skeleton_fails = true,
	},
	{
		.name = "parallel_writers_verify",
		.behaviour = "4 writers on 2 CPUs, each on its own MiB, timer completion: the disk reads back as written",
		.judge = judge_parallel,
		.hint = "TODOs 3 and 4: every hardware queue has its own counters; the page store takes parallel writers as in lab 03",
		.skeleton_fails = true,
	},
	{
		.name = "timer_completion_keeps_data",
		.behaviour = "completion=1: 4 MiB written back and 512-byte O_DIRECT pieces read back the same",
		.judge = judge_timer_data,
		.hint = "TODOs 6 and 7: the timer's request must end with the status ->queue_rq() computed",
		.skeleton_fails = true,
	},
	{
		.name = "reload_with_other_queues",
		.behaviour = "rmmod removes disk and debugfs; reloaded with nr_hw_queues=1 it has one queue and no data",
		.judge = judge_reload,
		.hint = "TODO 2: the queues follow nr_hw_queues; mybrd_exit() frees the tag set and the queues",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_zero_hw_queues",
		.behaviour = "nr_hw_queues=0 is refused with -EINVAL, nothing left",
		.judge = judge_refused,
		.hint = "TODO 1: return -EINVAL when the value is below min (1 for nr_hw_queues)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_more_hw_queues_than_cpus",
		.behaviour = "nr_hw_queues above the number of CPUs (3, 1000) is refused with -EINVAL",
		.judge = judge_refused,
		.hint = "TODO 1: return -EINVAL when the value is above max (nr_cpu_ids for nr_hw_queues)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_bad_queue_depth",
		.behaviour = "hw_queue_depth=0, 100000 and -1 are refused with -EINVAL",
		.judge = judge_refused,
		.hint = "TODO 1: refuse values outside min..max (1..MYBRD_MAX_QUEUE_DEPTH for hw_queue_depth)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_bad_completion_and_text",
		.behaviour = "completion=2, nr_hw_queues=-1 and nr_hw_queues=two are refused with -EINVAL",
		.judge = judge_refused,
		.hint = "TODO 1: kstrtoint() refuses text; then check min and max (completion is 0 or 1)",
		.skeleton_fails = true,
	},
	TEST_REQUESTS_ARE_STARTED("TODOs 4-7: blk_mq_start_request(rq) in ->queue_rq() before the data is copied; blk_mq_end_request() (inline or from the timer) after", false),
	TEST_CORE_REGISTRATION("lab 03's registration is given code: mybrd_check_size() before anything is registered, set_capacity() in sectors, everything undone at rmmod", false),
	TEST_CORE_DATA("the data path is lab 03's (given): every segment at its own sector, mybrd_offset() inside the page, holes read as zeros; TODOs 6-7 must end each request with its status", false),
};

static const struct lab lab04 = {
	.id = "lab04-mq",
	.title = "blk-mq with several hardware queues",
	LAB_TESTS(tests),
	.symptoms = &symptom_hints_given,
};

int main(int argc, char **argv)
{
	judge_mq_load_hint(LOAD_HINT);
	return lab_main(&lab04, argc, argv);
}
