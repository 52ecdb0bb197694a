// SPDX-License-Identifier: GPL-2.0
/*
 * bench (make bench): the lab solutions' drivers next to the kernel's own
 * brd, in one VM boot. Builds the lab02 (bio), lab03 (one queue) and lab04
 * (N queues) solutions, boots the kernel with them, brd, null_blk and
 * fio in the initramfs, and runs fio's 4 KiB sequential and random reads
 * and writes on each driver in turn. The drivers take turns, round after
 * round, each round starting with the next driver, so that a busy host and
 * the emulator's warming up slow them alike. The table shows each figure's
 * best round (a busy host only ever slows a run down: under TCG the VM is
 * one host thread, which other processes can halve) as MB/s, IOPS and a
 * ratio to brd; a second brd row shows how far noise alone moves a ratio.
 * A second table sets each solution beside its twin, the kernel's own
 * driver in the same mode (brd; null_blk with one queue, N queues, timer
 * completion), each twin measured twice for the noise.
 * Figures are printed, never asserted: the exit status only says whether
 * every run ran.
 *
 * Each run is a test of the harness's suite (harness/src/suite.h): a run
 * that crashes the kernel costs only itself. A run is a call of the guest's
 * bench_run (harness/guest/bench.sh), the driver and fio's settings its
 * arguments (lab_test.args). The modules reach the guest as
 * the kernel package's do (struct lab's kernel_modules), from a modules tree
 * of the bench's own: the package's, plus a <lab>.ko for each solution.
 */
#include "accel.h"
#include "clock.h"
#include "kernel_env.h"
#include "lab.h"
#include "logread.h"
#include "module_build.h"
#include "options.h"
#include "suite.h"
#include "textfile.h"
#include "vm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIO		"/usr/bin/fio"
#define MAX_ROUNDS	20

/*
 * A row of the table: a driver and how it is loaded. The first row is the
 * reference. Its insmod parameters are params, then size_param=<the disk's
 * size> (in MiB, or KiB with size_kib) and cpus_param=<the VM's CPUs>.
 */
struct driver {
	const char *label;
	const char *lab;	/* solutions/<lab>/mybrd.c, built as <lab>.ko, */
	const char *kmod;	/* or this module of the kernel package */
	const char *params;	/* insmod parameters, or NULL */
	const char *size_param;	/* the one that takes the disk's size */
	bool size_kib;
	const char *cpus_param;	/* one that takes the number of CPUs */
	const char *dev;	/* its disk, /dev/mybrd for a lab's */
	const char *scheduler;	/* the I/O scheduler to set, or the default */
	/* A solution's twin: the kernel's driver in the same mode, and the
	 * row that measures it again (the noise). */
	const char *twin, *twin_again;
};

/*
 * null_blk as blk-mq RAM disk with the labs' queues: no poll queue (it
 * adds one by default) and 64 requests per queue, as the solutions have.
 */
#define NULL_BLK_MQ "queue_mode=2 memory_backed=1 gb=1 poll_queues=0 hw_queue_depth=64"

static const struct driver drivers[] = {
	{ "brd (in-tree)", .kmod = "brd", .dev = "/dev/ram0",
	  .params = "rd_nr=1", .size_param = "rd_size", .size_kib = true },
	/* The same again: how far from 1.00 the host's noise moves a ratio. */
	{ "brd (again)", .kmod = "brd", .dev = "/dev/ram0",
	  .params = "rd_nr=1", .size_param = "rd_size", .size_kib = true },
	{ "lab02 bio", .lab = "lab02-bio", .dev = "/dev/mybrd",
	  .size_param = "size_mb",
	  .twin = "brd (in-tree)", .twin_again = "brd (again)" },
	{ "lab03 1 queue", .lab = "lab03-request", .dev = "/dev/mybrd",
	  .size_param = "size_mb",
	  .twin = "null_blk 1 queue", .twin_again = "null_blk 1q again" },
	{ "lab04 N queues", .lab = "lab04-mq", .dev = "/dev/mybrd",
	  .size_param = "size_mb",
	  .twin = "null_blk mq", .twin_again = "null_blk mq again" },
	/* Ended from an hrtimer that expires at once: the completion path's
	 * cost, without the delay a device would add.
	 */
	{ "lab04 async", .lab = "lab04-mq", .dev = "/dev/mybrd",
	  .size_param = "size_mb", .params = "completion=1 completion_nsec=0",
	  .twin = "null_blk timer", .twin_again = "null_blk tm again" },
	/*
	 * The twins: the kernel's own blk-mq RAM disk in each lab's mode
	 * (1 GiB, of which fio uses the first size MiB), each twice. One
	 * queue with mq-deadline, as lab03 gets by default (set, not left to
	 * the default: with its poll queue null_blk had two and got none);
	 * N queues (one per CPU) with none, as lab04.
	 */
	{ "null_blk 1 queue", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=0 submit_queues=1",
	  .scheduler = "mq-deadline" },
	{ "null_blk 1q again", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=0 submit_queues=1",
	  .scheduler = "mq-deadline" },
	{ "null_blk mq", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=0", .cpus_param = "submit_queues" },
	{ "null_blk mq again", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=0", .cpus_param = "submit_queues" },
	{ "null_blk timer", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=2 completion_nsec=0",
	  .cpus_param = "submit_queues" },
	{ "null_blk tm again", .kmod = "null_blk", .dev = "/dev/nullb0",
	  .params = NULL_BLK_MQ " irqmode=2 completion_nsec=0",
	  .cpus_param = "submit_queues" },
};

#define NDRIVERS ((int)(sizeof(drivers) / sizeof(drivers[0])))

/* A column: one fio job (its name is its rw= mode). */
static const struct {
	const char *rw;
	const char *title;
} jobs[] = {
	{ "read", "seq read" },
	{ "write", "seq write" },
	{ "randread", "rand read" },
	{ "randwrite", "rand write" },
};

#define NJOBS ((int)(sizeof(jobs) / sizeof(jobs[0])))

struct options {
	struct common_options c;	/* root, kernel-env, build-dir, QEMU */
	const char *engine;	/* fio's ioengine */
	int iodepth;
	int seconds;		/* per fio job */
	int rounds;
	int size_mb;		/* what fio uses of each disk */
	int memory_mb;		/* the VM's */
	int cpus;
	const char *lab;	/* only its rows and their twins, or NULL */
};

/* One figure: what fio measured in each round. */
struct figure {
	double iops[MAX_ROUNDS];
	double kibps[MAX_ROUNDS];
	int n;
};

struct bench {
	struct options o;
	int nrows;		/* the rows measured: drv[0..nrows) */
	const struct driver *drv[NDRIVERS];
	char kver[256], kboot[PATH_MAX], kimg[PATH_MAX], kdir[PATH_MAX];
	char modules[PATH_MAX];		/* the guest's modules tree */
	char first_ko[PATH_MAX + 64];	/* a lab's module, for /check */
	char guest_kernel[256];		/* uname -r in the guest */
	int guest_cpus;
	char sched[NDRIVERS][32];	/* the I/O scheduler each row had */
	struct figure fig[NDRIVERS][NJOBS];
	double build_s;
};

static void usage(const char *prog)
{
	printf("usage: %s --kernel-env FILE\n"
	       COMMON_OPTIONS_USAGE
	       "       [--seconds S] [--rounds R] [--size-mb M] [--memory-mb M]\n"
	       "       [--cpus N] [--engine E] [--iodepth D] [--lab LAB]\n"
	       "Builds the lab02, lab03 and lab04 solutions and, in one VM boot,\n"
	       "runs fio (4 KiB, O_DIRECT, one job) on each and on brd:\n"
	       "sequential and random reads and writes, S seconds each (default\n"
	       "1), R rounds (default 5), on M MiB of each disk (default 256),\n"
	       "fio's ioengine E (default libaio) at iodepth D (default 1).\n"
	       "Prints MB/s, IOPS and the ratio to brd, the best of the\n"
	       "rounds, and each solution beside its twin (null_blk in the same\n"
	       "mode, measured twice). --lab LAB: only LAB's rows (lab02-bio,\n"
	       "lab03-request or lab04-mq), brd's and the twins'.\n"
	       COMMON_OPTIONS_HELP
	       "MYBRD_TIMEOUT_SCALE=k multiplies the time limits (slow machines).\n",
	       prog);
}

/* An ioengine is one word of letters, digits and '_' (it is an argument). */
static bool is_word(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	return *s && strspn(s, ok) == strlen(s);
}

static int parse_bench_options(int argc, char **argv, struct options *o)
{
	const struct opt own[] = {
		{ "seconds", OPT_INT, &o->seconds },
		{ "rounds", OPT_INT, &o->rounds },
		{ "size-mb", OPT_INT, &o->size_mb },
		{ "memory-mb", OPT_INT, &o->memory_mb },
		{ "cpus", OPT_INT, &o->cpus },
		{ "engine", OPT_STRING, &o->engine },
		{ "iodepth", OPT_INT, &o->iodepth },
		{ "lab", OPT_STRING, &o->lab },
		{ NULL }
	};

	*o = (struct options){ .c = { .root = ".", .build_dir = "build/bench",
				      .accel = "tcg", .boot = "vmlinux" },
			       .engine = "libaio", .iodepth = 1,
			       .seconds = 1, .rounds = 5, .size_mb = 256,
			       .memory_mb = 1024, .cpus = 2 };
	if (parse_options(argc, argv, &o->c, own, usage))
		return -1;
	/* The guest holds fio's libraries (~90 MB) and one disk at a time. */
	if (!o->c.kernel_env || o->seconds < 1 || o->rounds < 1 ||
	    o->iodepth < 1 || !is_word(o->engine) ||
	    o->rounds > MAX_ROUNDS || o->size_mb < 16 || o->size_mb > 1024 ||
	    o->cpus < 1 || o->memory_mb < o->size_mb + 384) {
		usage(argv[0]);
		printf("(--rounds 1-%d, --size-mb 16-1024, --memory-mb at least the size + 384)\n",
		       MAX_ROUNDS);
		return -1;
	}
	return 0;
}

/* The line after the one p is on, or NULL after the last. */
static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

static int read_env(struct bench *b)
{
	struct kernel_env env;
	char reason[512];

	if (read_kernel_env(b->o.c.kernel_env, &env))
		return -1;
	b->o.c.accel = resolve_accel(b->o.c.accel, b->o.c.root,
				     b->o.c.kernel_env, reason, sizeof(reason));
	if (reason[0])
		printf("ACCEL=auto: %s\n", reason);
	snprintf(b->kver, sizeof(b->kver), "%s", env.kver);
	snprintf(b->kboot, sizeof(b->kboot), "%s", env.kboot);
	snprintf(b->kimg, sizeof(b->kimg), "%s", env.kimg);
	snprintf(b->kdir, sizeof(b->kdir), "%s", env.kdir);
	return 0;
}

/* Is d a row of lab's solution? */
static bool of_lab(const struct driver *d, const char *lab)
{
	return d->lab && !strcmp(d->lab, lab);
}

/* The row that first names lab: its module serves the later rows too. */
static int first_row_of(const struct bench *b, const char *lab)
{
	for (int i = 0; i < b->nrows; i++)
		if (of_lab(b->drv[i], lab))
			return i;
	return -1;
}

static bool builds(const struct bench *b, int row)
{
	return b->drv[row]->lab && first_row_of(b, b->drv[row]->lab) == row;
}

/* Is driver i named by a row of lab, as its twin or its twin again? */
static bool twin_of_lab(const char *lab, int i)
{
	for (int k = 0; k < NDRIVERS; k++) {
		const struct driver *d = &drivers[k];

		if (of_lab(d, lab) &&
		    ((d->twin && !strcmp(d->twin, drivers[i].label)) ||
		     (d->twin_again &&
		      !strcmp(d->twin_again, drivers[i].label))))
			return true;
	}
	return false;
}

/*
 * The rows to measure: all, or with --lab the reference (brd), the lab's
 * rows and their twins. -1 if the lab has no row.
 */
static int choose_rows(struct bench *b)
{
	const char *lab = b->o.lab;

	for (int i = 0; i < NDRIVERS; i++)
		if (!lab || i == 0 || of_lab(&drivers[i], lab) ||
		    twin_of_lab(lab, i))
			b->drv[b->nrows++] = &drivers[i];
	if (lab && first_row_of(b, lab) < 0) {
		printf("bench: --lab %s: no such lab in the table (lab02-bio, lab03-request, lab04-mq).\n",
		       lab);
		return -1;
	}
	return 0;
}

struct lab_build {
	char src[PATH_MAX], kbuild[PATH_MAX], compat[PATH_MAX], dir[PATH_MAX];
	struct module_build mb;
	struct build_job job;
	bool started;
};

static int start_build(struct bench *b, int row, struct lab_build *lb)
{
	const char *lab = b->drv[row]->lab;

	snprintf(lb->src, sizeof(lb->src), "%s/solutions/%s/mybrd.c",
		 b->o.c.root, lab);
	snprintf(lb->kbuild, sizeof(lb->kbuild), "%s/%s/Kbuild", b->o.c.root,
		 lab);
	snprintf(lb->compat, sizeof(lb->compat),
		 "%s/harness/kernel/mybrd_compat.h", b->o.c.root);
	snprintf(lb->dir, sizeof(lb->dir), "%s/%s", b->o.c.build_dir, lab);
	mkdir(lb->dir, 0755);
	lb->mb = (struct module_build){
		.source = lb->src, .kbuild = lb->kbuild, .compat = lb->compat,
		.kdir = b->kdir, .dir = lb->dir,
	};
	if (module_build_start(&lb->mb, &lb->job)) {
		printf("bench: cannot build %s (the solutions are an instructor's; see %s).\n",
		       lb->src, lb->dir);
		return -1;
	}
	lb->started = true;
	return 0;
}

/* Waits for a build, then strips the module into the modules tree. */
static int finish_build(struct bench *b, int row, struct lab_build *lb)
{
	char *ko = NULL, stripped[PATH_MAX + 64];
	int err;

	printf("bench: solutions/%s: ", b->drv[row]->lab);
	fflush(stdout);
	err = module_build_finish(&lb->mb, &lb->job, &ko);
	if (!err) {
		snprintf(stripped, sizeof(stripped), "%s/%s.ko", b->modules,
			 b->drv[row]->lab);
		err = module_strip(ko, stripped);
		if (!b->first_ko[0])
			snprintf(b->first_ko, sizeof(b->first_ko), "%s",
				 stripped);
		printf("built in %.1f s\n", lb->job.seconds);
	}
	free(ko);
	return err;
}

/*
 * The modules tree the initramfs takes modules from: the kernel package's
 * (a link to its kernel/ and its modules.dep) and the labs' modules, each
 * a line "<lab>.ko:" of modules.dep, without dependencies.
 */
static int make_modules_tree(struct bench *b)
{
	char link[PATH_MAX + 32], target[PATH_MAX + 32], dep[PATH_MAX + 32];
	char *text;
	FILE *f;

	snprintf(b->modules, sizeof(b->modules), "%s/modules",
		 b->o.c.build_dir);
	mkdir(b->modules, 0755);
	snprintf(link, sizeof(link), "%s/kernel", b->modules);
	snprintf(target, sizeof(target), "%s/modules/kernel", b->kimg);
	unlink(link);
	if (symlink(target, link)) {
		printf("bench: cannot link %s to %s: %s\n", link, target,
		       strerror(errno));
		return -1;
	}
	snprintf(dep, sizeof(dep), "%s/modules/modules.dep", b->kimg);
	text = read_text_file(dep, NULL);
	snprintf(dep, sizeof(dep), "%s/modules.dep", b->modules);
	f = fopen(dep, "w");
	if (!text || !f) {
		printf("bench: cannot write %s from the kernel's modules.dep\n",
		       dep);
		free(text);
		if (f)
			fclose(f);
		return -1;
	}
	fputs(text, f);
	free(text);
	for (int i = 0; i < b->nrows; i++)
		if (builds(b, i))
			fprintf(f, "%s.ko:\n", b->drv[i]->lab);
	return fclose(f) ? -1 : 0;
}

/* Builds every lab's solution, at the same time; 0 if all built. */
static int build_modules(struct bench *b)
{
	struct lab_build lb[NDRIVERS] = { 0 };
	double start = now_s();
	int err = 0;

	mkdir(b->o.c.build_dir, 0755);
	err = make_modules_tree(b);
	for (int i = 0; i < b->nrows && !err; i++)
		if (builds(b, i))
			err = start_build(b, i, &lb[i]);
	for (int i = 0; i < b->nrows; i++) {
		if (!lb[i].started)
			continue;
		if (err)
			module_build_cancel(&lb[i].job);
		else
			err = finish_build(b, i, &lb[i]);
	}
	b->build_s = now_s() - start;
	return err;
}

/* The jobs, comma-separated: the guest's bench_fio runs them in order. */
static void job_list(char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int j = 0; j < NJOBS && len < size; j++)
		len += snprintf(out + len, size - len, "%s%s", j ? "," : "",
				jobs[j].rw);
}

/*
 * The arguments of one run's bench_run (harness/guest/bench.sh), words
 * the guest splits: MODULE UNLOAD DEV SIZE_MB ENGINE IODEPTH SECONDS JOBS
 * and the module's parameters.
 */
static char *run_args(const struct bench *b, int row, int seconds)
{
	const struct driver *d = b->drv[row];
	char *args = NULL, list[128];
	size_t len = 0;
	FILE *f = open_memstream(&args, &len);

	if (!f)
		return NULL;
	job_list(list, sizeof(list));
	fprintf(f, "%s %s %s %d %s %d %d %s %s", d->lab ? d->lab : d->kmod,
		d->lab ? "mybrd" : d->kmod, d->dev, b->o.size_mb, b->o.engine,
		b->o.iodepth, seconds, list, d->scheduler ? d->scheduler : "-");
	if (d->params)
		fprintf(f, " %s", d->params);
	if (d->size_param)
		fprintf(f, " %s=%d", d->size_param,
			b->o.size_mb * (d->size_kib ? 1024 : 1));
	/* The guest has as many CPUs as the VM was given. */
	if (d->cpus_param)
		fprintf(f, " %s=%d", d->cpus_param, b->o.cpus);
	return fclose(f) ? NULL : args;
}

/*
 * Run 0 warms the emulator up (its figures are dropped); then the rounds:
 * every row once per round, round r starting with row r.
 */
static int row_of(const struct bench *b, int run)
{
	int k = run - 1;

	return run ? (k % b->nrows + k / b->nrows) % b->nrows : 0;
}

static int make_tests(const struct bench *b, struct lab_test **out)
{
	int n = 1 + b->o.rounds * b->nrows;
	struct lab_test *t = calloc(n, sizeof(*t));
	char *what;

	*out = t;
	if (!t)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int row = row_of(b, i);

		/* The test is the function; what it is, its behaviour. */
		t[i].name = "bench_run";
		if (asprintf(&what, "round%d, %s",
			     i ? (i - 1) / b->nrows + 1 : 0,
			     i ? b->drv[row]->label : "warm-up") < 0)
			return -ENOMEM;
		t[i].behaviour = what;
		t[i].args = run_args(b, row, i ? b->o.seconds : 1);
		if (!t[i].args)
			return -ENOMEM;
	}
	return n;
}

static void free_tests(struct lab_test *t, int n)
{
	for (int i = 0; t && i < n; i++) {
		free((void *)t[i].behaviour);
		free((void *)t[i].args);
	}
	free(t);
}

static int job_index(const char *rw)
{
	for (int j = 0; j < NJOBS; j++)
		if (!strcmp(jobs[j].rw, rw))
			return j;
	return -1;
}

/*
 * queue/scheduler: "[none] mq-deadline" -> "none". A bio-based disk has
 * none: 6.1 says "none", 6.12 has no such file.
 */
static void take_scheduler(const char *value, char *out, size_t size)
{
	const char *open = strchr(value, '[');
	const char *p = open ? open + 1 : value;

	if (!*p)
		p = "none";
	snprintf(out, size, "%.*s", (int)strcspn(p, open ? "]" : " "), p);
}

/* Takes a figure: "bench <job> <error> <KiB/s> <IOPS>". */
static void take_figure(struct bench *b, int row, const char *line,
			FILE *raw)
{
	char rw[32];
	double kibps, iops;
	int err, j;
	struct figure *f;

	if (sscanf(line, "bench %31s %d %lf %lf", rw, &err, &kibps,
		   &iops) != 4 || err)
		return;
	j = job_index(rw);
	if (j < 0)
		return;
	f = &b->fig[row][j];
	if (raw)
		fprintf(raw, "%s\t%d\t%s\t%.0f\t%.0f\n", b->drv[row]->label,
			f->n + 1, jobs[j].rw, kibps, iops);
	if (f->n < MAX_ROUNDS) {
		f->kibps[f->n] = kibps;
		f->iops[f->n] = iops;
		f->n++;
	}
}

/* Takes the figures and facts one run printed; raw gets the figures. */
static void take_output(struct bench *b, int row, const char *out,
			FILE *raw)
{
	char line[512];

	for (const char *p = out; p && *p; p = next_line(p)) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strncmp(line, "kernel=", 7))
			snprintf(b->guest_kernel, sizeof(b->guest_kernel),
				 "%.*s", (int)sizeof(b->guest_kernel) - 1,
				 line + 7);
		else if (!strncmp(line, "scheduler=", 10))
			take_scheduler(line + 10, b->sched[row],
				       sizeof(b->sched[row]));
		else if (sscanf(line, "cpus=%d", &b->guest_cpus) != 1)
			take_figure(b, row, line, raw);
	}
}

/* Says what went wrong in a run: it crashed, hung, failed, or warned. */
static bool report_run(const struct lab_test *t, const struct test_result *r)
{
	size_t at = 0;
	enum kproblem p = r->ran ? klog_find_problem(&r->dmesg, &at) :
				   KP_NONE;

	if (r->ended && r->rc == 0 && p == KP_NONE)
		return true;
	printf("bench: %s: ", t->behaviour);
	if (!r->ran)
		printf("did not run: %s\n", r->cause ? r->cause : "no boot");
	else if (!r->ended)
		printf("%s\n", r->cause ? r->cause : "did not end");
	else if (r->rc)
		printf("exited with status %d; it said:\n%s", r->rc,
		       r->output ? r->output : "(nothing)\n");
	else
		printf("a kernel %s: %s\n", kproblem_name(p),
		       r->dmesg.log->lines[at]);
	return false;
}

/* The round a figure was best in (most IOPS), or -1 if it has none. */
static int best_round(const struct figure *f)
{
	int best = -1;

	for (int i = 0; i < f->n; i++)
		if (best < 0 || f->iops[i] > f->iops[best])
			best = i;
	return best;
}

/* (best - worst) / best over a figure's rounds: what the host took. */
static double loss(const struct figure *f)
{
	double worst = f->iops[0];

	for (int i = 1; i < f->n; i++)
		worst = f->iops[i] < worst ? f->iops[i] : worst;
	return f->n ? 1 - worst / f->iops[best_round(f)] : 0;
}

static void print_header(const struct bench *b)
{
	printf("\nmybrd bench: kernel %s, %s, %d CPUs; fio 4 KiB O_DIRECT %s iodepth %d, 1 job, on %d MiB; %d s per figure, best of %d round%s\n\n",
	       b->guest_kernel[0] ? b->guest_kernel : b->kver, b->o.c.accel,
	       b->guest_cpus ? b->guest_cpus : b->o.cpus, b->o.engine,
	       b->o.iodepth, b->o.size_mb, b->o.seconds, b->o.rounds,
	       b->o.rounds == 1 ? "" : "s");
	printf("%-16s", "");
	for (int j = 0; j < NJOBS; j++)
		printf("  %-21s", jobs[j].title);
	printf("  %s\n%-16s", "worst", "driver");
	for (int j = 0; j < NJOBS; j++)
		printf("  %6s %8s %5s", "MB/s", "IOPS", "/brd");
	printf("  %5s\n", "/brd");
}

/* Row a's best IOPS over row r's for job j; 0 if either has none. */
static double iops_ratio(const struct bench *b, int a, int r, int j)
{
	int k = best_round(&b->fig[a][j]), kr = best_round(&b->fig[r][j]);

	return k >= 0 && kr >= 0 && b->fig[r][j].iops[kr] > 0 ?
	       b->fig[a][j].iops[k] / b->fig[r][j].iops[kr] : 0;
}

/* One row: each figure's best, its ratio to brd's, the lowest ratio. */
static void print_row(const struct bench *b, int row)
{
	double worst = 0;

	printf("%-16s", b->drv[row]->label);
	for (int j = 0; j < NJOBS; j++) {
		const struct figure *f = &b->fig[row][j];
		int k = best_round(f);
		double ratio = iops_ratio(b, row, 0, j);

		if (k < 0) {
			printf("  %6s %8s %5s", "-", "-", "-");
			continue;
		}
		printf("  %6.1f %8.0f", f->kibps[k] * 1024 / 1e6, f->iops[k]);
		if (ratio > 0)
			printf(" %5.2f", ratio);
		else
			printf(" %5s", "-");
		if (ratio > 0 && (worst == 0 || ratio < worst))
			worst = ratio;
	}
	if (worst > 0)
		printf("  %5.2f\n", worst);
	else
		printf("  %5s\n", "-");
}

static void print_notes(const struct bench *b)
{
	double most = 0;
	int most_row = 0, most_job = 0;

	for (int i = 0; i < b->nrows; i++)
		for (int j = 0; j < NJOBS; j++)
			if (loss(&b->fig[i][j]) > most) {
				most = loss(&b->fig[i][j]);
				most_row = i;
				most_job = j;
			}
	printf("\nMB/s: 10^6 bytes/s; /brd: IOPS over brd's. lab04: nr_hw_queues = CPUs; async: completion=1 completion_nsec=0.\n");
	printf("I/O scheduler:");
	for (int i = 0; i < b->nrows; i++)
		printf("%s%s %s", i ? "; " : " ", b->drv[i]->label,
		       b->sched[i][0] ? b->sched[i] : "?");
	printf(".\n");
	if (b->o.rounds > 1)
		printf("Each figure is its best round; the host slowed some rounds by up to %.0f%% (%s, %s).\n",
		       most * 100, b->drv[most_row]->label,
		       jobs[most_job].title);
}

static int row_named(const struct bench *b, const char *label)
{
	for (int i = 0; label && i < b->nrows; i++)
		if (!strcmp(b->drv[i]->label, label))
			return i;
	return -1;
}

/* Each solution over its twin, per job; the noise: the twin again over it. */
static void print_twin_row(const struct bench *b, int row)
{
	int twin = row_named(b, b->drv[row]->twin);
	int again = row_named(b, b->drv[row]->twin_again);
	double worst = 0, lo = 0, hi = 0;

	if (twin < 0)
		return;
	printf("%-16s %-18s", b->drv[row]->label, b->drv[twin]->label);
	for (int j = 0; j < NJOBS; j++) {
		double r = iops_ratio(b, row, twin, j);
		double n = again >= 0 ? iops_ratio(b, again, twin, j) : 0;

		if (r > 0)
			printf(" %10.2f", r);
		else
			printf(" %10s", "-");
		if (r > 0 && (worst == 0 || r < worst))
			worst = r;
		if (n > 0 && (lo == 0 || n < lo))
			lo = n;
		if (n > hi)
			hi = n;
	}
	printf(" %6.2f   %.2f-%.2f\n", worst, lo, hi);
}

static void print_twins(const struct bench *b)
{
	printf("\nEach solution beside its twin, the kernel's driver in the same mode (IOPS over the twin's; noise: the twin measured again, over it):\n");
	printf("%-16s %-18s", "solution", "twin");
	for (int j = 0; j < NJOBS; j++)
		printf(" %10s", jobs[j].title);
	printf(" %6s   %s\n", "worst", "noise");
	for (int i = 0; i < b->nrows; i++)
		print_twin_row(b, i);
}

static void print_table(const struct bench *b, const struct suite_run *run,
			double total_s)
{
	print_header(b);
	for (int i = 0; i < b->nrows; i++)
		print_row(b, i);
	print_twins(b);
	print_notes(b);
	printf("total %.1f s (build %.1f s, boot %.1f s in %d boot%s, runs %.1f s)\n",
	       total_s, b->build_s, run->boot_seconds, run->nboots,
	       run->nboots == 1 ? "" : "s", run->test_seconds);
}

/* Where the VM's pieces are: suite_config points into it. */
struct vm_paths {
	char guest[PATH_MAX + 16];	/* harness/guest */
	char kernel[PATH_MAX + 16];	/* vmlinux or vmlinuz */
};

static void suite_config_for(const struct bench *b, struct suite_config *cfg,
			     struct vm_paths *p)
{
	double scale = timeout_scale();

	snprintf(p->guest, sizeof(p->guest), "%s/harness/guest", b->o.c.root);
	if (!strcmp(b->o.c.boot, "vmlinuz"))
		snprintf(p->kernel, sizeof(p->kernel), "%s/vmlinuz", b->kimg);
	else
		snprintf(p->kernel, sizeof(p->kernel), "%s", b->kboot);
	/* The guest's /init wants a /check/mybrd.ko: any lab's will do. */
	*cfg = (struct suite_config){
		.kernel = p->kernel, .accel = b->o.c.accel,
		.workdir = b->o.c.build_dir, .module = b->first_ko,
		.guest_dir = p->guest, .modules_dir = b->modules,
		/* fio's libraries make a big initramfs: a slower boot. */
		.boot_limit_s = 60 * scale,
		.test_limit_s = (60 + 3.0 * NJOBS * b->o.seconds) * scale,
		.memory_mb = b->o.memory_mb, .cpus = b->o.cpus,
		.qemu_args = b->o.c.qemu_args, .gdb_port = b->o.c.gdb_port,
	};
}

/* figures.tsv: driver, round, job, KiB/s, IOPS; one line per figure. */
static FILE *open_raw(const struct bench *b, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/figures.tsv", b->o.c.build_dir);
	f = fopen(path, "w");
	if (f)
		fprintf(f, "driver\tround\tjob\tKiB/s\tIOPS\n");
	return f;
}

/* Boots the VM once for every run; 0 if every run gave its figures. */
static int run_all(struct bench *b, double start)
{
	const char *programs[] = { FIO, NULL };
	const char *kmods[NDRIVERS + 1] = { 0 };
	struct lab lab = { .id = "bench", .title = "mybrd bench",
			   .guest_programs = programs,
			   .kernel_modules = kmods };
	struct lab_test *tests = NULL;
	int n = make_tests(b, &tests), nk = 0, bad = 0;
	struct vm_paths paths;
	struct suite_config cfg;
	struct suite_run run;
	char path[PATH_MAX + 16];
	FILE *raw;

	if (n < 0) {
		free_tests(tests, 1 + b->o.rounds * b->nrows);
		return -1;
	}
	for (int i = 0; i < b->nrows; i++) {
		const char *name = b->drv[i]->lab ? b->drv[i]->lab :
			b->drv[i]->kmod;
		int k = 0;

		while (k < nk && strcmp(kmods[k], name))
			k++;
		if (k == nk)
			kmods[nk++] = name;
	}
	lab.tests = tests;
	lab.ntests = n;
	suite_config_for(b, &cfg, &paths);
	printf("bench: %d runs of about %d s (a warm-up, %d rounds of %d drivers) in one boot of %s (%s)\n",
	       n, NJOBS * b->o.seconds + 3, b->o.rounds, b->nrows, b->kver,
	       b->o.c.accel);
	if (b->o.c.print_command) {
		n = suite_print_command(&cfg, &lab, false, stdout);
		free_tests(tests, 1 + b->o.rounds * b->nrows);
		return n ? -1 : 0;
	}
	if (suite_run(&cfg, &lab, &run)) {
		printf("bench: could not run the VM (see %s).\n", b->o.c.build_dir);
		free_tests(tests, n);
		return -1;
	}
	raw = open_raw(b, path, sizeof(path));
	for (int i = 0; i < n; i++) {
		bad += !report_run(&tests[i], &run.results[i]);
		if (i && run.results[i].output)
			take_output(b, row_of(b, i), run.results[i].output,
				    raw);
	}
	print_table(b, &run, now_s() - start);
	if (raw && !fclose(raw))
		printf("Every round's figures: %s\n", path);
	suite_run_free(&run);
	free_tests(tests, n);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bench *b = calloc(1, sizeof(*b));
	double start = now_s();
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!b || parse_bench_options(argc, argv, &b->o))
		return 2;
	if (choose_rows(b))
		return 2;
	if (read_env(b))
		return 2;
	if (access(FIO, X_OK)) {
		printf("bench: %s is missing: run 'make setup' (it installs fio).\n",
		       FIO);
		return 2;
	}
	vm_install_signal_cleanup();
	if (build_modules(b))
		return 1;
	rc = run_all(b, start) ? 1 : 0;
	free(b);
	return rc;
}
