// SPDX-License-Identifier: GPL-2.0
/*
 * lab_main(): what every lab's checker does. Reads the kernel chosen by the
 * set-up, builds the student's module, runs the suite in the VM and judges
 * each test as a CUnit test.
 */
#include "kernel_env.h"
#include "lab.h"
#include "module_build.h"
#include "suite.h"
#include "test_functions.h"
#include "vm.h"

#include <CUnit/Basic.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>

struct options {
	const char *root;	/* the repository */
	const char *kernel_env;	/* .cache/kernel-<series>.env */
	const char *src;	/* mybrd.c to build */
	const char *module;	/* or a prebuilt mybrd.ko */
	const char *build_dir;
	const char *only;	/* comma-separated test names */
	const char *weaken;	/* self-test: these tests assert nothing */
	const char *results;	/* name<TAB>PASS|FAIL<TAB>why lines */
	const char *label;	/* "solution", "skeleton", a student's name */
	const char *accel;
	const char *boot;	/* "vmlinux" (PVH, fast) or "vmlinuz" (fallback) */
	double boot_limit_s;
	double test_limit_s;
	bool console;
	bool list;
};

/* CUnit test functions take no arguments: they find their test here. */
static struct {
	struct lab lab;
	struct suite_run run;
	FILE *results;
	const char *kernel;
} current;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(const char *prog)
{
	printf("usage: %s --kernel-env FILE [--src mybrd.c | --module mybrd.ko]\n"
	       "       [--root DIR] [--build-dir DIR] [--only T1,T2] [--results FILE]\n"
	       "       [--label TEXT] [--accel tcg|kvm] [--boot vmlinux|vmlinuz]\n"
	       "       [--boot-timeout S]\n"
	       "       [--test-timeout S] [--console] [--weaken T1,T2]\n"
	       "       %s --list\n"
	       "Builds mybrd.c, boots it in QEMU and runs this lab's tests.\n"
	       "--list prints each test's name and whether the untouched\n"
	       "skeleton must fail it (1) or pass it (0). --weaken makes the named\n"
	       "tests assert nothing (make test proves such a test is caught).\n"
	       "MYBRD_TIMEOUT_SCALE=k multiplies the time limits (slow machines).\n",
	       prog, prog);
}

static void list_tests(const struct lab *lab)
{
	for (int i = 0; i < lab->ntests; i++)
		printf("%s\t%d\n", lab->tests[i].name,
		       lab->tests[i].skeleton_fails);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "kernel-env", required_argument, NULL, 'k' },
		{ "src", required_argument, NULL, 's' },
		{ "module", required_argument, NULL, 'm' },
		{ "build-dir", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'o' },
		{ "weaken", required_argument, NULL, 'W' },
		{ "results", required_argument, NULL, 'R' },
		{ "label", required_argument, NULL, 'l' },
		{ "accel", required_argument, NULL, 'a' },
		{ "boot", required_argument, NULL, 'K' },
		{ "boot-timeout", required_argument, NULL, 'B' },
		{ "test-timeout", required_argument, NULL, 'T' },
		{ "console", no_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *scale = getenv("MYBRD_TIMEOUT_SCALE");
	double k = scale ? atof(scale) : 1.0;
	int c;

	*o = (struct options){ .root = ".", .accel = "tcg",
			       .boot_limit_s = 30, .test_limit_s = 20 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->root = optarg; break;
		case 'k': o->kernel_env = optarg; break;
		case 's': o->src = optarg; break;
		case 'm': o->module = optarg; break;
		case 'b': o->build_dir = optarg; break;
		case 'o': o->only = optarg; break;
		case 'W': o->weaken = optarg; break;
		case 'R': o->results = optarg; break;
		case 'l': o->label = optarg; break;
		case 'a': o->accel = optarg; break;
		case 'K': o->boot = optarg; break;
		case 'B': o->boot_limit_s = atof(optarg); break;
		case 'T': o->test_limit_s = atof(optarg); break;
		case 'c': o->console = true; break;
		case 'L': o->list = true; break;
		case 'h': usage(argv[0]); exit(0);
		default: usage(argv[0]); return -1;
		}
	}
	if (!o->kernel_env && !o->list) {
		usage(argv[0]);
		return -1;
	}
	if (k > 0) {
		o->boot_limit_s *= k;
		o->test_limit_s *= k;
	}
	return 0;
}

static bool selected(const char *only, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = only; p && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return !only;
}

/* A judge that asserts nothing: what a careless edit could leave. */
static void judge_nothing(struct judge *j)
{
	(void)j;
}

/* The lab with only the tests --only names, in their order. */
static int select_tests(const struct lab *lab, const char *only,
			const char *weaken, struct lab *out)
{
	struct lab_test *tests = calloc(lab->ntests, sizeof(*tests));

	if (!tests)
		return -1;
	*out = *lab;
	out->ntests = 0;
	for (int i = 0; i < lab->ntests; i++) {
		if (!selected(only, lab->tests[i].name))
			continue;
		tests[out->ntests] = lab->tests[i];
		if (weaken && selected(weaken, lab->tests[i].name))
			tests[out->ntests].judge = judge_nothing;
		out->ntests++;
	}
	out->tests = tests;
	if (!out->ntests) {
		printf("No test of %s is named '%s'.\n", lab->id, only);
		return -1;
	}
	return 0;
}

static void record(const char *name, bool passed, const char *why)
{
	if (current.results)
		fprintf(current.results, "%s\t%s\t%s\n", name,
			passed ? "PASS" : "FAIL", why ? why : "");
}

static void run_current_test(void)
{
	/* CUnit ends a failure's line only when it prints the next one. */
	static bool last_failed;
	const char *name = CU_get_current_test()->pName;

	if (last_failed)
		printf("\n");

	for (int i = 0; i < current.lab.ntests; i++) {
		struct judge j = {
			.test = &current.lab.tests[i],
			.result = &current.run.results[i],
			.kernel = current.kernel,
		};

		if (strcmp(name, j.test->name))
			continue;
		judge_run(&j);
		record(name, !j.failed, j.why);
		last_failed = j.failed;
	}
}

static int judge_all(void)
{
	CU_pSuite suite;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return -1;
	suite = CU_add_suite(current.lab.id, NULL, NULL);
	for (int i = 0; suite && i < current.lab.ntests; i++)
		CU_add_test(suite, current.lab.tests[i].name, run_current_test);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	printf("\n");
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed;
}

/* Without a module there is nothing to boot: every test fails the same. */
static void record_all(const char *why)
{
	for (int i = 0; i < current.lab.ntests; i++)
		record(current.lab.tests[i].name, false, why);
}

/* build/harness/probe-cache and its directory, beside build/LAB/check. */
static void find_probe_cache(char *wrapper, char *dir, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	wrapper[0] = dir[0] = '\0';
	if (n <= 0)
		return;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(wrapper, size, "%s/../harness/probe-cache", self);
	snprintf(dir, size, "%s/../harness/probe-cache.d", self);
}

/* Only mybrd.c is the student's: Kbuild and the header are the lab's. */
static void describe_build(const struct options *o,
			  const struct kernel_env *env, struct module_build *mb,
			  char *kbuild, char *compat, size_t size)
{
	static char wrapper[PATH_MAX + 32], answers[PATH_MAX + 32];

	snprintf(kbuild, size, "%s/%s/Kbuild", o->root, current.lab.id);
	snprintf(compat, size, "%s/harness/kernel/mybrd_compat.h", o->root);
	find_probe_cache(wrapper, answers, sizeof(wrapper));
	*mb = (struct module_build){
		.source = o->src, .kbuild = kbuild, .compat = compat,
		.kdir = env->kdir, .dir = o->build_dir,
		.probe_cache = wrapper[0] ? wrapper : NULL,
		.probe_cache_dir = answers,
	};
}

static void print_summary(const struct options *o, int failed,
			  double build_s, double total_s)
{
	const struct suite_run *r = &current.run;

	printf("%s%s%s: %d of %d tests passed (build %.1f s, boot %.1f s in %d boot%s, tests %.1f s, total %.1f s)\n",
	       current.lab.id, o->label ? " " : "", o->label ? o->label : "",
	       current.lab.ntests - failed, current.lab.ntests, build_s,
	       r->boot_seconds, r->nboots, r->nboots == 1 ? "" : "s",
	       r->test_seconds, total_s);
}

static void print_boot_failure(void)
{
	const struct klog *log = &current.run.logs[current.run.nboots - 1];
	size_t from = log->n > 15 ? log->n - 15 : 0;

	printf("%s; the console's last lines:\n", current.run.boot_failure);
	for (size_t i = from; i < log->n; i++)
		printf("    %s\n", log->lines[i]);
}

/* The build's verdict once the suite ran: 0, or 1 after saying why. */
static int finish_build(struct module_build *mb, struct build_job *job,
			double *build_s)
{
	char *ko = NULL;

	if (!job)
		return 0;
	if (module_build_finish(mb, job, &ko)) {
		record_all("mybrd.c does not compile");
		return 1;
	}
	*build_s = job->seconds;
	free(ko);
	return 0;
}

static int check(const struct options *o, const struct kernel_env *env)
{
	double start = now_s(), build_s = 0;
	char guest[4096], modules[4200], kbuild[4096], compat[4096];
	char built[4200], bzimage[4200], tests_sh[4200];
	struct module_build mb;
	struct build_job job, *building = NULL;
	struct suite_config cfg = {
		.kernel = env->kboot, .accel = o->accel,
		.workdir = o->build_dir, .guest_dir = guest,
		.modules_dir = modules,
		.boot_limit_s = o->boot_limit_s,
		.test_limit_s = o->test_limit_s,
		.memory_mb = 512, .cpus = 2,
	};
	const char *missing;
	int failed;

	current.kernel = env->kver;
	/* The compressed image boots slower but needs no PVH entry. */
	if (o->boot && !strcmp(o->boot, "vmlinuz")) {
		snprintf(bzimage, sizeof(bzimage), "%s/vmlinuz", env->kimg);
		cfg.kernel = bzimage;
	}
	snprintf(guest, sizeof(guest), "%s/harness/guest", o->root);
	snprintf(tests_sh, sizeof(tests_sh), "%s/%s/tests.sh", o->root,
		 current.lab.id);
	if (!access(tests_sh, R_OK))
		cfg.tests_sh = tests_sh;
	missing = test_without_function(&current.lab, cfg.tests_sh, guest);
	if (missing) {
		printf("%s: test %s has no shell function %s() in %s or harness/guest/*.sh (see harness/WRITING-TESTS.md).\n",
		       current.lab.id, missing, missing, tests_sh);
		return 2;
	}
	snprintf(modules, sizeof(modules), "%s/modules", env->kimg);
	printf("== %s: %s (%s, kernel %s, %s, %s)\n", current.lab.id,
	       current.lab.title, o->module ? o->module : o->src, env->kver,
	       o->accel, cfg.kernel);
	cfg.module = o->module;
	if (!o->module) {
		describe_build(o, env, &mb, kbuild, compat, sizeof(kbuild));
		snprintf(built, sizeof(built), "%s/mybrd.ko", o->build_dir);
		if (module_build_start(&mb, &job)) {
			printf("Cannot build %s (see %s).\n", o->src, o->build_dir);
			return 2;
		}
		building = &job;
		cfg.module = built;
		cfg.build = building;
	}
	if (o->console) {
		if (finish_build(&mb, building, &build_s))
			return 1;
		cfg.build = NULL;
		return suite_console(&cfg, &current.lab) ? 2 : 0;
	}
	if (suite_run(&cfg, &current.lab, &current.run)) {
		if (building)
			module_build_cancel(building);
		printf("Could not run the VM (see %s).\n", o->build_dir);
		return 2;
	}
	if (finish_build(&mb, building, &build_s))
		return 1;
	if (current.run.boot_failure)
		print_boot_failure();
	failed = judge_all();
	print_summary(o, failed, build_s, now_s() - start);
	suite_run_free(&current.run);
	return failed ? 1 : 0;
}

int lab_main(const struct lab *lab, int argc, char **argv)
{
	struct options o;
	struct kernel_env env;
	char dflt_build[4096], dflt_src[4096];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_options(argc, argv, &o))
		return 2;
	if (o.list) {
		list_tests(lab);
		return 0;
	}
	if (read_kernel_env(o.kernel_env, &env))
		return 2;
	if (select_tests(lab, o.only, o.weaken, &current.lab))
		return 2;
	snprintf(dflt_src, sizeof(dflt_src), "%s/%s/mybrd.c", o.root, lab->id);
	snprintf(dflt_build, sizeof(dflt_build), "%s/build/%s/check", o.root,
		 lab->id);
	if (!o.src)
		o.src = dflt_src;
	if (!o.build_dir)
		o.build_dir = dflt_build;
	mkdir(o.build_dir, 0755);
	if (o.results)
		current.results = fopen(o.results, "w");
	vm_install_signal_cleanup();
	rc = check(&o, &env);
	if (current.results)
		fclose(current.results);
	free((void *)current.lab.tests);
	return rc;
}
