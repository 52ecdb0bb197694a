// SPDX-License-Identifier: GPL-2.0
/*
 * lab_main(): what every lab's checker does. Reads the kernel chosen by the
 * set-up, builds the student's module, runs the suite in the VM and judges
 * each test (report.c). The options are options.c's; the VM's jobs are
 * suite.c's and those it names.
 */
#include "accel.h"
#include "clock.h"
#include "debug_tests.h"
#include "flood.h"
#include "kernel_env.h"
#include "lab.h"
#include "module_build.h"
#include "options.h"
#include "report.h"
#include "suite.h"
#include "test_functions.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>

/* How much slower the debug kernel runs the tests, at most (measured). */
#define DEBUG_SLOWDOWN 3

struct options {
	struct common_options c;	/* root, kernel-env, build-dir, QEMU */
	const char *src;	/* mybrd.c to build */
	const char *module;	/* or a prebuilt mybrd.ko */
	const char *only;	/* comma-separated test names */
	const char *weaken;	/* self-test: these tests assert nothing */
	const char *results;	/* name<TAB>PASS|FAIL<TAB>why lines */
	const char *label;	/* "solution", "skeleton", a student's name */
	double boot_limit_s;
	double test_limit_s;
	bool console;
	bool list;
	bool debug;		/* --debug: the debug kernel's tests too */
	bool no_snapshot;	/* boot every time: save and resume no VM */
	const char *snapshot_dir;	/* instead of ROOT/.cache/snapshots */
	const char *accel_reason;	/* why --accel auto chose, or NULL */
};

static void usage(const char *prog)
{
	printf("usage: %s --kernel-env FILE [--src mybrd.c | --module mybrd.ko]\n"
	       COMMON_OPTIONS_USAGE
	       "       [--only T1,T2] [--results FILE] [--label TEXT]\n"
	       "       [--boot-timeout S] [--test-timeout S] [--console]\n"
	       "       [--weaken T1,T2] [--debug] [--no-snapshot | --snapshot-dir D]\n"
	       "       %s --list\n"
	       "Builds mybrd.c, boots it in QEMU and runs this lab's tests.\n"
	       "--console opens a shell in the VM instead, on this terminal or\n"
	       "on piped input (held until the guest's shell is ready).\n"
	       "--list prints each test's name and whether the untouched\n"
	       "skeleton must fail it (1) or pass it (0). --weaken makes the named\n"
	       "tests assert nothing (make test proves such a test is caught).\n"
	       "--debug: the kernel env is the debug kernel's (DEBUG=1): the module\n"
	       "is built with harness/kernel/mybrd_debug.h, init's error paths and\n"
	       "kmemleak are tested too, and the time limits are 3 times longer.\n"
	       "The first check of a kernel and lab saves the booted VM where it\n"
	       "waits for the module (ROOT/.cache/snapshots); later ones resume it\n"
	       "instead of booting. --no-snapshot boots every time; --snapshot-dir\n"
	       "keeps them in D instead.\n"
	       COMMON_OPTIONS_HELP
	       "MYBRD_TIMEOUT_SCALE=k multiplies the time limits (slow machines).\n",
	       prog, prog);
}

static void list_tests(const struct lab *lab, bool debug)
{
	for (int i = 0; i < lab->ntests; i++)
		printf("%s\t%d\n", lab->tests[i].name,
		       lab->tests[i].skeleton_fails);
	for (int i = 0; debug && i < ndebug_tests; i++)
		printf("%s\t%d\n", debug_tests[i].name,
		       debug_tests[i].skeleton_fails);
}

static int parse_checker_options(int argc, char **argv, struct options *o)
{
	const struct opt own[] = {
		{ "src", OPT_STRING, &o->src },
		{ "module", OPT_STRING, &o->module },
		{ "only", OPT_STRING, &o->only },
		{ "weaken", OPT_STRING, &o->weaken },
		{ "results", OPT_STRING, &o->results },
		{ "label", OPT_STRING, &o->label },
		{ "boot-timeout", OPT_DOUBLE, &o->boot_limit_s },
		{ "test-timeout", OPT_DOUBLE, &o->test_limit_s },
		{ "console", OPT_FLAG, &o->console },
		{ "list", OPT_FLAG, &o->list },
		{ "debug", OPT_FLAG, &o->debug },
		{ "no-snapshot", OPT_FLAG, &o->no_snapshot },
		{ "snapshot-dir", OPT_STRING, &o->snapshot_dir },
		{ NULL }
	};
	double k = timeout_scale();

	*o = (struct options){ .c = { .root = ".", .accel = "tcg" },
			       .boot_limit_s = 30, .test_limit_s = 20 };
	if (parse_options(argc, argv, &o->c, own, usage))
		return -1;
	if (!o->c.kernel_env && !o->list) {
		usage(argv[0]);
		return -1;
	}
	/* The debug kernel is slower to boot and to run (KASAN, lockdep). */
	if (o->debug)
		k *= DEBUG_SLOWDOWN;
	o->boot_limit_s *= k;
	o->test_limit_s *= k;
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

/*
 * The lab with only the tests --only names, in their order; with --debug,
 * the debug kernel's tests follow the lab's own.
 */
static int select_tests(const struct lab *lab, const struct options *o,
			struct lab *out)
{
	int extra = o->debug ? ndebug_tests : 0;
	struct lab_test *tests = calloc(lab->ntests + extra, sizeof(*tests));

	if (!tests)
		return -1;
	*out = *lab;
	out->ntests = 0;
	for (int i = 0; i < lab->ntests + extra; i++) {
		const struct lab_test *t = i < lab->ntests ? &lab->tests[i] :
					   &debug_tests[i - lab->ntests];

		if (!selected(o->only, t->name))
			continue;
		tests[out->ntests] = *t;
		if (o->weaken && selected(o->weaken, t->name))
			tests[out->ntests].judge = judge_nothing;
		out->ntests++;
	}
	out->tests = tests;
	if (!out->ntests) {
		printf("No test of %s is named '%s'.\n", lab->id, o->only);
		return -1;
	}
	return 0;
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

/* Where a check's pieces are: suite_config and module_build point here. */
struct check_paths {
	char guest[4096], modules[4200], kbuild[4096], compat[4096];
	char debug_header[4200];
	char built[4200], bzimage[4200], tests_sh[4200], snapshots[4200];
	char wrapper[PATH_MAX + 32], answers[PATH_MAX + 32];
};

/* Only mybrd.c is the student's: Kbuild and the header are the lab's. */
static void describe_build(const struct options *o, const struct lab *lab,
			   const struct kernel_env *env, struct module_build *mb,
			   struct check_paths *p)
{
	snprintf(p->kbuild, sizeof(p->kbuild), "%s/%s/Kbuild", o->c.root,
		 lab->id);
	snprintf(p->compat, sizeof(p->compat),
		 "%s/harness/kernel/mybrd_compat.h", o->c.root);
	snprintf(p->debug_header, sizeof(p->debug_header),
		 "%s/harness/kernel/mybrd_debug.h", o->c.root);
	find_probe_cache(p->wrapper, p->answers, sizeof(p->wrapper));
	*mb = (struct module_build){
		.source = o->src, .kbuild = p->kbuild, .compat = p->compat,
		.debug_header = o->debug ? p->debug_header : NULL,
		.kdir = env->kdir, .dir = o->c.build_dir,
		.probe_cache = p->wrapper[0] ? p->wrapper : NULL,
		.probe_cache_dir = p->answers,
	};
}

/* The build's verdict once the suite ran: 0, or 1 after saying why. */
static int finish_build(struct module_build *mb, struct build_job *job,
			const struct report *r, double *build_s)
{
	char *ko = NULL;

	if (!job)
		return 0;
	if (module_build_finish(mb, job, &ko)) {
		report_fail_all(r, "mybrd.c does not compile");
		return 1;
	}
	*build_s = job->seconds;
	free(ko);
	return 0;
}

static struct suite_config suite_config_for(const struct options *o,
					    const struct kernel_env *env,
					    struct check_paths *p)
{
	struct suite_config cfg = {
		.kernel = env->kboot, .accel = o->c.accel,
		.workdir = o->c.build_dir, .guest_dir = p->guest,
		.modules_dir = p->modules,
		.boot_limit_s = o->boot_limit_s,
		.test_limit_s = o->test_limit_s,
		.memory_mb = 512, .cpus = 2,
		.qemu_args = o->c.qemu_args, .gdb_port = o->c.gdb_port,
		.debug = o->debug,
	};

	/* The compressed image boots slower but needs no PVH entry. */
	if (o->c.boot && !strcmp(o->c.boot, "vmlinuz")) {
		snprintf(p->bzimage, sizeof(p->bzimage), "%s/vmlinuz",
			 env->kimg);
		cfg.kernel = p->bzimage;
	}
	snprintf(p->guest, sizeof(p->guest), "%s/harness/guest", o->c.root);
	snprintf(p->snapshots, sizeof(p->snapshots), "%s/.cache/snapshots",
		 o->c.root);
	if (!o->no_snapshot)
		cfg.snapshot_dir = o->snapshot_dir ? o->snapshot_dir :
				   p->snapshots;
	snprintf(p->modules, sizeof(p->modules), "%s/modules", env->kimg);
	return cfg;
}

/* Every test must have its shell function: 0, or 2 after saying which. */
static int find_tests_sh(const struct options *o, const struct lab *lab,
			 struct suite_config *cfg, struct check_paths *p)
{
	struct shell_functions sf;
	const char *missing = NULL;
	char twice[9000];
	int rc = 0;

	snprintf(p->tests_sh, sizeof(p->tests_sh), "%s/%s/tests.sh",
		 o->c.root, lab->id);
	if (!access(p->tests_sh, R_OK))
		cfg->tests_sh = p->tests_sh;
	if (shell_functions_load(&sf, cfg->tests_sh, p->guest)) {
		printf("%s: cannot read %s or harness/guest/*.sh.\n", lab->id,
		       p->tests_sh);
		rc = 2;
	} else if (shell_function_twice(&sf, twice, sizeof(twice))) {
		printf("%s: %s; they are all sourced together, so rename one (see harness/WRITING-TESTS.md).\n",
		       lab->id, twice);
		rc = 2;
	} else if ((missing = test_without_function(lab, &sf))) {
		printf("%s: test %s has no shell function %s() in %s or harness/guest/*.sh (see harness/WRITING-TESTS.md).\n",
		       lab->id, missing, missing, p->tests_sh);
		rc = 2;
	}
	shell_functions_free(&sf);
	return rc;
}

/* Printed once, before the summary: the driver printed a lot, slowly. */
static void print_flood_note(const struct suite_run *run, const char *ko)
{
	char *note = flood_note(run->results, run->ntests, ko);

	if (note)
		printf("%s\n\n", note);
	free(note);
}

/* The console, or the command line that would run: no tests. */
static int run_without_tests(const struct options *o, const struct lab *lab,
			     struct suite_config *cfg, struct module_build *mb,
			     struct build_job *building, struct report *r)
{
	double build_s = 0;
	int err;

	if (finish_build(mb, building, r, &build_s))
		return 1;
	cfg->build = NULL;
	if (o->c.print_command)
		err = suite_print_command(cfg, lab, o->console, stdout);
	else
		err = suite_console(cfg, lab);
	return err ? 2 : 0;
}

static int check(const struct options *o, const struct lab *lab,
		 const struct kernel_env *env, struct report *r)
{
	double start = now_s(), build_s = 0;
	static struct check_paths paths;	/* one check per process */
	struct check_paths *p = &paths;
	struct suite_config cfg = suite_config_for(o, env, p);
	struct module_build mb;
	struct build_job job, *building = NULL;
	struct suite_run run;
	int failed;

	r->run = &run;
	if (find_tests_sh(o, lab, &cfg, p))
		return 2;
	printf("== %s: %s (%s, kernel %s, %s, %s)\n", lab->id, lab->title,
	       o->module ? o->module : o->src, env->kver, o->c.accel,
	       cfg.kernel);
	if (o->accel_reason && o->accel_reason[0])
		printf("ACCEL=auto: %s\n", o->accel_reason);
	cfg.module = o->module;
	if (!o->module) {
		describe_build(o, lab, env, &mb, p);
		snprintf(p->built, sizeof(p->built), "%s/mybrd.ko",
			 o->c.build_dir);
		if (module_build_start(&mb, &job)) {
			printf("Cannot build %s (see %s).\n", o->src,
			       o->c.build_dir);
			return 2;
		}
		building = &job;
		cfg.module = p->built;
		cfg.build = building;
	}
	if (o->console || o->c.print_command)
		return run_without_tests(o, lab, &cfg, &mb, building, r);
	if (suite_run(&cfg, lab, &run)) {
		if (building)
			module_build_cancel(building);
		printf("Could not run the VM (see %s).\n", o->c.build_dir);
		return 2;
	}
	if (finish_build(&mb, building, r, &build_s))
		return 1;
	if (run.boot_failure)
		report_boot_failure(r);
	r->module = cfg.module;
	failed = report_judge_all(r);
	print_flood_note(&run, cfg.module);
	report_summary(r, failed, build_s, now_s() - start);
	suite_run_free(&run);
	return failed ? 1 : 0;
}

int lab_main(const struct lab *lab, int argc, char **argv)
{
	struct options o;
	struct kernel_env env;
	struct lab selected_lab;
	struct report r = { .lab = &selected_lab };
	char dflt_build[4096], dflt_src[4096], accel_reason[512];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_checker_options(argc, argv, &o))
		return 2;
	if (o.list) {
		list_tests(lab, o.debug);
		return 0;
	}
	if (read_kernel_env(o.c.kernel_env, &env))
		return 2;
	o.c.accel = resolve_accel(o.c.accel, o.c.root, o.c.kernel_env,
				  accel_reason, sizeof(accel_reason));
	o.accel_reason = accel_reason;
	if (select_tests(lab, &o, &selected_lab))
		return 2;
	snprintf(dflt_src, sizeof(dflt_src), "%s/%s/mybrd.c", o.c.root,
		 lab->id);
	snprintf(dflt_build, sizeof(dflt_build), "%s/build/%s/check",
		 o.c.root, lab->id);
	if (!o.src)
		o.src = dflt_src;
	if (!o.c.build_dir)
		o.c.build_dir = dflt_build;
	mkdir(o.c.build_dir, 0755);
	if (o.results)
		r.results = fopen(o.results, "w");
	r.kernel = env.kver;
	r.headers = env.kdir;
	r.label = o.label;
	vm_install_signal_cleanup();
	rc = check(&o, &selected_lab, &env, &r);
	if (r.results)
		fclose(r.results);
	free((void *)selected_lab.tests);
	free(o.c.qemu_args);
	return rc;
}
