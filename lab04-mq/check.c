// SPDX-License-Identifier: GPL-2.0
/*
 * lab04-mq checker: lab 03's RAM disk with nr_hw_queues hardware queues
 * of hw_queue_depth requests, per-queue counters in debugfs and, with
 * completion=1, requests ended later from an hrtimer. The tests check
 * what blk-mq shows in /sys/block/mybrd/mq/, that I/O from a CPU is
 * dispatched on the hardware queue blk-mq maps that CPU to, that no queue
 * ever has more requests in flight than its depth, that data survives
 * parallel writers and timer completion, and that bad parameters are
 * refused at insmod. Each test is a shell fragment run in the VM and a
 * judge of what it printed ("key=value" facts), its status and its dmesg.
 * The VM has 2 CPUs.
 */
#include "lab.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shell helpers the fragments share (the harness's lib.sh has the rest);
 * the first ones are lab 03's.
 *
 * load_or_say: insmod with the given parameters, print insmod_rc.
 * run CMD...: runs CMD; if it fails, prints io_failed="CMD: why" and ends
 *   the test (its judge says which command failed and why).
 * io ARGS: run dd ARGS status=none.
 * random_file NAME KIB: a file of random bytes.
 * counter FILE: /sys/kernel/debug/mybrd/FILE, "none" if it is missing.
 * nr_queues: how many hardware queues /sys/block/mybrd/mq lists.
 * queue_of CPU: the hardware queue whose mq/N/cpu_list has CPU.
 * queue_facts PREFIX: PREFIX_qN_{dispatched,inflight,max} for each queue.
 * verdict KEY A B: KEY=same if files A and B are equal, else different.
 */
#define HELPERS \
	"load_or_say() { load_mybrd \"$@\"; rc=$?; fact insmod_rc $rc; " \
	"return $rc; }\n" \
	"D=/sys/kernel/debug/mybrd\n" \
	"counter() { cat \"$D/$1\" 2>/dev/null || echo none; }\n" \
	"run() {\n" \
	"  if ! msg=$(\"$@\" 2>&1); then\n" \
	"    fact io_failed \"$*: $msg\"; exit 0\n" \
	"  fi\n" \
	"}\n" \
	"io() { run dd \"$@\" status=none; }\n" \
	"random_file() { io if=/dev/urandom of=\"$1\" bs=1k count=\"$2\"; }\n" \
	"verdict() { if cmp -s \"$2\" \"$3\"; then fact \"$1\" same; " \
	"else fact \"$1\" different; fi; }\n" \
	"nr_queues() { ls /sys/block/mybrd/mq 2>/dev/null | wc -l; }\n" \
	"queue_of() {\n" \
	"  for d in /sys/block/mybrd/mq/*; do\n" \
	"    if tr ', ' '\\n\\n' < \"$d/cpu_list\" | grep -qx \"$1\"; then\n" \
	"      basename \"$d\"; return\n" \
	"    fi\n" \
	"  done\n" \
	"}\n" \
	"queue_facts() {\n" \
	"  fact \"$1_queues\" \"$(nr_queues)\"\n" \
	"  q=0\n" \
	"  while [ \"$q\" -lt \"$(nr_queues)\" ]; do\n" \
	"    fact \"$1_q${q}_dispatched\" \"$(counter queue$q/dispatched)\"\n" \
	"    fact \"$1_q${q}_inflight\" \"$(counter queue$q/inflight)\"\n" \
	"    fact \"$1_q${q}_max\" \"$(counter queue$q/max_inflight)\"\n" \
	"    q=$((q + 1))\n" \
	"  done\n" \
	"}\n"

#define LOAD_HINT \
	"insmod must succeed with these parameters: TODO 1 accepts " \
	"nr_hw_queues 1 to the number of CPUs, hw_queue_depth 1 to 1024, " \
	"completion 0 or 1"

/* The fact key as a number; false if missing or not a number. */
static bool number_of(const struct judge *j, const char *key, long *n)
{
	const char *v = fact_of(j, key);

	if (!is_number(v))
		return false;
	*n = strtol(v, NULL, 10);
	return true;
}

/* Like number_of(), the key made with a format. */
static bool number_fmt(const struct judge *j, long *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool number_fmt(const struct judge *j, long *n, const char *fmt, ...)
{
	char key[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return number_of(j, key, n);
}

static bool expect_loaded(struct judge *j)
{
	bool ok;

	judge_hint(j, LOAD_HINT);
	ok = expect_fact(j, "insmod_rc", "0",
			 "insmod mybrd.ko succeeds (with this test's parameters)");
	judge_hint(j, NULL);
	return ok;
}

/* Every command run with run() succeeded. */
static bool expect_io(struct judge *j)
{
	const char *failed = fact_of(j, "io_failed");

	return expect_that(j, !failed, "every dd of the test succeeds",
			   "%s", failed ? failed : "");
}

static bool expect_ran(struct judge *j)
{
	return expect_loaded(j) && expect_io(j) && expect_ok(j);
}

/* PREFIX_queues is want: /sys/block/mybrd/mq lists want hardware queues. */
static bool expect_queues(struct judge *j, const char *prefix, long want,
			  const char *when)
{
	char expected[160];
	long n = -1;

	snprintf(expected, sizeof(expected),
		 "%s, /sys/block/mybrd/mq has %ld hardware queue director%s",
		 when, want, want == 1 ? "y" : "ies");
	number_fmt(j, &n, "%s_queues", prefix);
	return expect_that(j, n == want, expected, "%ld", n);
}

/*
 * Each of the nq queues has its debugfs counters; stores them. Fails if a
 * file is missing.
 */
static bool queue_counters(struct judge *j, const char *prefix, int nq,
			   long *disp, long *inflight, long *max)
{
	for (int q = 0; q < nq; q++) {
		bool ok = number_fmt(j, &disp[q], "%s_q%d_dispatched", prefix, q) &&
			  number_fmt(j, &inflight[q], "%s_q%d_inflight", prefix, q) &&
			  number_fmt(j, &max[q], "%s_q%d_max", prefix, q);

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

	if (!expect_ran(j))
		return;
	number_of(j, "cpus", &cpus);
	expect_queues(j, "dflt", cpus, "without parameters (one per online CPU)");
	number_of(j, "param", &param);
	judge_hint(j, "mybrd_alloc_queues() stores num_online_cpus() in nr_hw_queues when it was not given");
	expect_that(j, param == cpus,
		    "/sys/module/mybrd/parameters/nr_hw_queues says how many were made",
		    "%ld", param);
	judge_hint(j, NULL);
	number_of(j, "tags", &tags);
	expect_that(j, tags == 64,
		    "mq/0/nr_tags is 64: hw_queue_depth's default",
		    "%ld", tags);
}

static void judge_queues_param(struct judge *j)
{
	const char *s1 = fact_of(j, "sched1"), *s2 = fact_of(j, "sched2");

	if (!expect_ran(j))
		return;
	expect_queues(j, "one", 1, "with nr_hw_queues=1");
	expect_that(j, s1 && strstr(s1, "[mq-deadline]"),
		    "with one hardware queue, queue/scheduler selects [mq-deadline]",
		    "%s", s1 ? s1 : "(nothing)");
	expect_queues(j, "two", 2, "with nr_hw_queues=2");
	expect_that(j, s2 && strstr(s2, "[none]"),
		    "with two hardware queues, queue/scheduler selects [none]",
		    "%s", s2 ? s2 : "(nothing)");
}

static void judge_depth_tags(struct judge *j)
{
	if (!expect_ran(j))
		return;
	expect_queues(j, "d", 2, "with nr_hw_queues=2 hw_queue_depth=16");
	expect_fact(j, "tags", "16 16",
		    "mq/0/nr_tags and mq/1/nr_tags are both 16");
}

static void judge_cpu_queue(struct judge *j)
{
	long disp[2], infl[2], max[2];

	if (!expect_ran(j))
		return;
	if (!expect_queues(j, "before", 2, "with nr_hw_queues=2") ||
	    !queue_counters(j, "before", 2, disp, infl, max))
		return;
	for (int cpu = 0; cpu < 2; cpu++) {
		long q = -1, d[2] = { -1, -1 };
		char expected[200];

		number_fmt(j, &q, "cpu%d_queue", cpu);
		if (!expect_that(j, q == 0 || q == 1,
				 "mq/0/cpu_list or mq/1/cpu_list lists each CPU",
				 "CPU %d is in neither", cpu))
			return;
		number_fmt(j, &d[0], "cpu%d_d0", cpu);
		number_fmt(j, &d[1], "cpu%d_d1", cpu);
		snprintf(expected, sizeof(expected),
			 "16 O_DIRECT writes from CPU %d (taskset) are dispatched on queue %ld, the one its cpu_list names, and none on queue %ld",
			 cpu, q, 1 - q);
		if (!expect_that(j, d[q] == 16 && d[1 - q] == 0, expected,
				 "queue0/dispatched +%ld, queue1/dispatched +%ld",
				 d[0], d[1]))
			return;
	}
	judge_hint(j, "the per-queue accounting must not touch the data: TODOs 3 to 5");
	expect_fact(j, "verdict", "same", "the 128 KiB written read back the same");
}

/* ---- in flight ---- */

static void judge_depth_bound(struct judge *j)
{
	long disp[2], infl[2], max[2];

	if (!expect_ran(j))
		return;
	if (!expect_queues(j, "after", 2, "with nr_hw_queues=2") ||
	    !queue_counters(j, "after", 2, disp, infl, max))
		return;
	judge_hint(j, "TODO 4: add 1 to dispatched for every request ->queue_rq() takes");
	if (!expect_that(j, disp[0] > 0 && disp[1] > 0,
			 "writers on both CPUs dispatch on both queues",
			 "queue0/dispatched %ld, queue1/dispatched %ld",
			 disp[0], disp[1]))
		return;
	judge_hint(j, "TODO 5: take 1 from inflight before blk_mq_end_request(): once the tag is free, the next request can be counted first");
	for (int q = 0; q < 2; q++)
		if (!expect_that(j, max[q] <= 2,
				 "with hw_queue_depth=2, no queue ever has more than 2 requests in flight (max_inflight <= 2)",
				 "queue%d/max_inflight is %ld", q, max[q]))
			return;
	judge_hint(j, "TODOs 6 and 7: with completion=1 a request stays in flight until its timer ends it, so parallel writers fill the queue");
	if (!expect_that(j, max[0] == 2 || max[1] == 2,
			 "4 parallel writers with 2 ms timer completion fill a queue: max_inflight reaches 2",
			 "max_inflight %ld and %ld", max[0], max[1]))
		return;
	if (!expect_idle(j, 2, infl))
		return;
	judge_hint(j, NULL);
	expect_fact(j, "verdict", "same",
		    "every writer's 1 MiB reads back the same");
}

static void judge_timer_overlap(struct judge *j)
{
	long disp[1], infl[1], max[1];

	if (!expect_ran(j))
		return;
	if (!expect_queues(j, "after", 1, "with nr_hw_queues=1") ||
	    !queue_counters(j, "after", 1, disp, infl, max))
		return;
	judge_hint(j, "TODO 4: count every request in queueN/dispatched and inflight");
	if (!expect_that(j, disp[0] >= 9,
			 "4 x 1 MiB O_DIRECT writes reach ->queue_rq() as 9 or more requests each",
			 "queue0/dispatched %ld", disp[0]))
		return;
	judge_hint(j, "TODO 7: with completion=1, ->queue_rq() starts the timer and returns; the request ends later (TODO 6)");
	if (!expect_that(j, max[0] >= 2 && max[0] <= 4,
			 "with completion=1 (1 ms timer), a split 1 MiB write has 2 to 4 (hw_queue_depth) requests in flight at once",
			 "queue0/max_inflight %ld", max[0]))
		return;
	if (!expect_idle(j, 1, infl))
		return;
	judge_hint(j, NULL);
	expect_fact(j, "verdict", "same", "the 1 MiB read back the same");
}

/* ---- data ---- */

static void judge_parallel(struct judge *j)
{
	long disp[2], infl[2], max[2];

	if (!expect_ran(j))
		return;
	if (!expect_queues(j, "after", 2, "with nr_hw_queues=2") ||
	    !queue_counters(j, "after", 2, disp, infl, max))
		return;
	judge_hint(j, "TODOs 3 and 4: each queue counts its own requests");
	if (!expect_that(j, disp[0] > 0 && disp[1] > 0,
			 "writers on both CPUs use both hardware queues",
			 "queue0/dispatched %ld, queue1/dispatched %ld",
			 disp[0], disp[1]))
		return;
	if (!expect_idle(j, 2, infl))
		return;
	judge_hint(j, NULL);
	expect_fact(j, "verdict", "same",
		    "4 parallel writers, each on its own MiB, leave the disk as written");
}

static void judge_timer_data(struct judge *j)
{
	long disp[2], infl[2], max[2];

	if (!expect_ran(j))
		return;
	if (!expect_queues(j, "after", 2, "without parameters (2 CPUs)") ||
	    !queue_counters(j, "after", 2, disp, infl, max))
		return;
	judge_hint(j, "TODOs 6 and 7: with completion=1, requests end from the timer, later: several are in flight at once");
	if (!expect_that(j, max[0] >= 2 || max[1] >= 2,
			 "writing back 4 MiB with a 1 ms timer completion has requests in flight together (max_inflight >= 2)",
			 "max_inflight %ld and %ld", max[0], max[1]))
		return;
	if (!expect_idle(j, 2, infl))
		return;
	judge_hint(j, "TODO 7: keep the status in the pdu; mybrd_complete_rq() ends the request with it");
	expect_fact(j, "verdict", "same",
		    "4 MiB written through the page cache read back the same (O_DIRECT)");
	expect_fact(j, "odd", "same",
		    "512-byte O_DIRECT writes at sectors 7 and 13 to 20 read back the same");
}

static void judge_reload(struct judge *j)
{
	if (!expect_ran(j))
		return;
	expect_queues(j, "first", 2, "with nr_hw_queues=2");
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_fact(j, "gone", "yes",
		    "after rmmod, no /sys/block/mybrd and no /sys/kernel/debug/mybrd");
	expect_queues(j, "second", 1, "reloaded with nr_hw_queues=1");
	expect_fact(j, "queue1_dir", "no",
		    "reloaded with one queue, debugfs has no queue1 directory");
	expect_fact(j, "verdict", "zeros", "the reloaded disk reads as zeros");
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
		if (!expect_that(j, rc && strcmp(rc, "0") && err &&
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

/* ---- scripts ---- */

/* Tries each parameter; facts paramI, rcI, errI, leftI. */
#define REFUSE(...) \
	HELPERS \
	"i=0\n" \
	"for p in " __VA_ARGS__ "; do\n" \
	"  fact param$i \"$p\"\n" \
	"  err=$(insmod /check/mybrd.ko \"$p\" 2>&1); fact rc$i $?\n" \
	"  fact err$i \"$err\"\n" \
	"  if [ -e /sys/block/mybrd ] || [ -e $D ]; then fact left$i yes; " \
	"else fact left$i no; fi\n" \
	"  [ -d /sys/module/mybrd ] && rmmod mybrd\n" \
	"  i=$((i + 1))\n" \
	"done\n" \
	"true\n"

/* nr_cpu_ids + 1: two more than the highest possible CPU number. */
#define TOO_MANY_QUEUES \
	"$(awk -F'[-,]' '{ print $NF + 2 }' /sys/devices/system/cpu/possible)"

static const struct lab_test tests[] = {
	{
		.name = "one_queue_per_cpu_by_default",
		.behaviour = "without parameters: one hardware queue per online CPU, 64 tags each",
		.script = HELPERS
			  "load_or_say || exit 0\n"
			  "fact cpus \"$(nproc)\"\n"
			  "fact dflt_queues \"$(nr_queues)\"\n"
			  "fact param \"$(cat /sys/module/mybrd/parameters/nr_hw_queues)\"\n"
			  "fact tags \"$(cat /sys/block/mybrd/mq/0/nr_tags)\"\n",
		.judge = judge_defaults,
		.hint = "TODO 2: set->nr_hw_queues = nr_hw_queues (made one per CPU if not given)",
		.skeleton_fails = true,
	},
	{
		.name = "hw_queues_follow_parameter",
		.behaviour = "nr_hw_queues=1 and =2 give 1 and 2 directories in /sys/block/mybrd/mq",
		.script = HELPERS
			  "load_or_say nr_hw_queues=1 || exit 0\n"
			  "fact one_queues \"$(nr_queues)\"\n"
			  "fact sched1 \"$(cat /sys/block/mybrd/queue/scheduler)\"\n"
			  "load_or_say nr_hw_queues=2 || exit 0\n"
			  "fact two_queues \"$(nr_queues)\"\n"
			  "fact sched2 \"$(cat /sys/block/mybrd/queue/scheduler)\"\n",
		.judge = judge_queues_param,
		.hint = "TODO 2: the tag set takes nr_hw_queues from the parameter",
		.skeleton_fails = true,
	},
	{
		.name = "queue_depth_sets_tags",
		.behaviour = "hw_queue_depth=16 gives each hardware queue 16 tags (mq/N/nr_tags)",
		.script = HELPERS
			  "load_or_say nr_hw_queues=2 hw_queue_depth=16 || exit 0\n"
			  "fact d_queues \"$(nr_queues)\"\n"
			  "fact tags \"$(cat /sys/block/mybrd/mq/*/nr_tags | tr '\\n' ' ' | sed 's/ $//')\"\n",
		.judge = judge_depth_tags,
		.hint = "TODO 2: set->queue_depth = hw_queue_depth",
		.skeleton_fails = true,
	},
	{
		.name = "io_dispatched_on_the_cpus_queue",
		.behaviour = "O_DIRECT writes from CPU N land on the hardware queue mq/*/cpu_list maps N to",
		.script = HELPERS
			  "load_or_say nr_hw_queues=2 || exit 0\n"
			  "queue_facts before\n"
			  "random_file /tmp/w 128\n"
			  "for c in 0 1; do\n"
			  "  fact cpu${c}_queue \"$(queue_of $c)\"\n"
			  "  b0=$(counter queue0/dispatched); b1=$(counter queue1/dispatched)\n"
			  "  run taskset -c $c dd if=/tmp/w of=/dev/mybrd bs=4k count=16"
			  " skip=$((c * 16)) seek=$((c * 16)) oflag=direct status=none\n"
			  "  fact cpu${c}_d0 $(($(counter queue0/dispatched) - b0))\n"
			  "  fact cpu${c}_d1 $(($(counter queue1/dispatched) - b1))\n"
			  "done\n"
			  "io if=/dev/mybrd of=/tmp/got bs=4k count=32 iflag=direct\n"
			  "verdict verdict /tmp/w /tmp/got\n",
		.judge = judge_cpu_queue,
		.hint = "TODO 3: init_hctx gives each hctx its own struct mybrd_queue (&dev->queues[hctx_idx]); TODO 4 counts dispatched there",
		.skeleton_fails = true,
	},
	{
		.name = "inflight_bounded_by_depth",
		.behaviour = "hw_queue_depth=2, timer completion, 4 parallel writers: max_inflight is 2 on a queue, never more",
		.script = HELPERS
			  "load_or_say nr_hw_queues=2 hw_queue_depth=2 completion=1"
			  " completion_nsec=2000000 || exit 0\n"
			  "random_file /tmp/w 4096\n"
			  "for w in 0 1 2 3; do\n"
			  "  run taskset -c $((w % 2)) dd if=/tmp/w of=/dev/mybrd bs=256k"
			  " count=4 skip=$((w * 4)) seek=$((w * 4)) oflag=direct"
			  " status=none &\n"
			  "done\n"
			  "wait\n"
			  "queue_facts after\n"
			  "io if=/dev/mybrd of=/tmp/got bs=256k iflag=direct\n"
			  "verdict verdict /tmp/w /tmp/got\n",
		.judge = judge_depth_bound,
		.hint = "TODOs 4 and 5: inflight +1 in mybrd_queue_start(), -1 in mybrd_queue_done() before the request ends; max_inflight keeps the highest",
		.skeleton_fails = true,
	},
	{
		.name = "timer_completion_overlaps",
		.behaviour = "completion=1: one writer's split 1 MiB O_DIRECT write has several requests in flight",
		.script = HELPERS
			  "load_or_say nr_hw_queues=1 hw_queue_depth=4 completion=1"
			  " completion_nsec=1000000 || exit 0\n"
			  "random_file /tmp/w 1024\n"
			  "for n in 0 1 2 3; do\n"
			  "  io if=/tmp/w of=/dev/mybrd bs=1M count=1 oflag=direct\n"
			  "done\n"
			  "queue_facts after\n"
			  "io if=/dev/mybrd of=/tmp/got bs=1M count=1 iflag=direct\n"
			  "verdict verdict /tmp/w /tmp/got\n",
		.judge = judge_timer_overlap,
		.hint = "TODO 7: with completion=1, start the request's hrtimer and return true; TODO 6 completes it",
		.skeleton_fails = true,
	},
	{
		.name = "parallel_writers_verify",
		.behaviour = "4 writers on 2 CPUs, each on its own MiB, timer completion: the disk reads back as written",
		.script = HELPERS
			  "load_or_say nr_hw_queues=2 completion=1 completion_nsec=20000"
			  " || exit 0\n"
			  "random_file /tmp/w 4096\n"
			  "for w in 0 1 2 3; do\n"
			  "  run taskset -c $((w % 2)) dd if=/tmp/w of=/dev/mybrd bs=16k"
			  " count=64 skip=$((w * 64)) seek=$((w * 64)) oflag=direct"
			  " status=none &\n"
			  "done\n"
			  "wait\n"
			  "queue_facts after\n"
			  "io if=/dev/mybrd of=/tmp/got bs=64k iflag=direct\n"
			  "verdict verdict /tmp/w /tmp/got\n",
		.judge = judge_parallel,
		.hint = "TODOs 3 and 4: every hardware queue has its own counters; the page store takes parallel writers as in lab 03",
		.skeleton_fails = true,
	},
	{
		.name = "timer_completion_keeps_data",
		.behaviour = "completion=1: 4 MiB written back and 512-byte O_DIRECT pieces read back the same",
		.script = HELPERS
			  "load_or_say completion=1 completion_nsec=1000000 || exit 0\n"
			  "random_file /tmp/img 4096\n"
			  "io if=/tmp/img of=/dev/mybrd bs=64k\n"
			  "io if=/dev/mybrd of=/tmp/got bs=64k iflag=direct\n"
			  "verdict verdict /tmp/img /tmp/got\n"
			  "random_file /tmp/a 4\n"
			  "io if=/tmp/a of=/dev/mybrd bs=512 count=1 seek=7 oflag=direct\n"
			  "io if=/tmp/a of=/dev/mybrd bs=512 count=8 seek=13 oflag=direct\n"
			  "head -c 512 /tmp/a > /tmp/want\n"
			  "dd if=/tmp/img bs=512 skip=8 count=5 status=none >> /tmp/want\n"
			  "cat /tmp/a >> /tmp/want\n"
			  "io if=/dev/mybrd of=/tmp/got bs=512 skip=7 count=14 iflag=direct\n"
			  "verdict odd /tmp/want /tmp/got\n"
			  "queue_facts after\n",
		.judge = judge_timer_data,
		.hint = "TODOs 6 and 7: the timer's request must end with the status ->queue_rq() computed",
		.skeleton_fails = true,
	},
	{
		.name = "reload_with_other_queues",
		.behaviour = "rmmod removes disk and debugfs; reloaded with nr_hw_queues=1 it has one queue and no data",
		.script = HELPERS
			  "load_or_say nr_hw_queues=2 || exit 0\n"
			  "fact first_queues \"$(nr_queues)\"\n"
			  "io if=/dev/urandom of=/dev/mybrd bs=4k count=16\n"
			  "rmmod mybrd; fact rmmod_rc $?\n"
			  "if [ -e /sys/block/mybrd ] || [ -e $D ]; then fact gone no; "
			  "else fact gone yes; fi\n"
			  "load_or_say nr_hw_queues=1 || exit 0\n"
			  "fact second_queues \"$(nr_queues)\"\n"
			  "if [ -e $D/queue1 ]; then fact queue1_dir yes; "
			  "else fact queue1_dir no; fi\n"
			  "io if=/dev/zero of=/tmp/zero bs=4k count=16\n"
			  "io if=/dev/mybrd of=/tmp/got bs=4k count=16 iflag=direct\n"
			  "if cmp -s /tmp/zero /tmp/got; then fact verdict zeros; "
			  "else fact verdict data; fi\n",
		.judge = judge_reload,
		.hint = "TODO 2: the queues follow nr_hw_queues; mybrd_exit() frees the tag set and the queues",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_zero_hw_queues",
		.behaviour = "nr_hw_queues=0 is refused with -EINVAL, nothing left",
		.script = REFUSE("nr_hw_queues=0"),
		.judge = judge_refused,
		.hint = "TODO 1: return -EINVAL when the value is below min (1 for nr_hw_queues)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_more_hw_queues_than_cpus",
		.behaviour = "nr_hw_queues above the number of CPUs (3, 1000) is refused with -EINVAL",
		.script = REFUSE("nr_hw_queues=" TOO_MANY_QUEUES " nr_hw_queues=1000"),
		.judge = judge_refused,
		.hint = "TODO 1: return -EINVAL when the value is above max (nr_cpu_ids for nr_hw_queues)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_bad_queue_depth",
		.behaviour = "hw_queue_depth=0, 100000 and -1 are refused with -EINVAL",
		.script = REFUSE("hw_queue_depth=0 hw_queue_depth=100000 hw_queue_depth=-1"),
		.judge = judge_refused,
		.hint = "TODO 1: refuse values outside min..max (1..MYBRD_MAX_QUEUE_DEPTH for hw_queue_depth)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_bad_completion_and_text",
		.behaviour = "completion=2, nr_hw_queues=-1 and nr_hw_queues=two are refused with -EINVAL",
		.script = REFUSE("completion=2 nr_hw_queues=-1 nr_hw_queues=two"),
		.judge = judge_refused,
		.hint = "TODO 1: kstrtoint() refuses text; then check min and max (completion is 0 or 1)",
		.skeleton_fails = true,
	},
};

static const struct lab lab04 = {
	.id = "lab04-mq",
	.title = "blk-mq with several hardware queues",
	LAB_TESTS(tests),
};

int main(int argc, char **argv)
{
	return lab_main(&lab04, argc, argv);
}
