// SPDX-License-Identifier: GPL-2.0
#include "suite.h"
#include "initramfs.h"
#include "protocol.h"
#include "textfile.h"
#include "vm.h"

#include <dirent.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * panic=-1 with -no-reboot: a panic ends QEMU at once. oops=panic: an oops
 * does too, so no later test runs on a half-broken kernel. devkmsg=on: our
 * markers in /dev/kmsg must never be rate-limited away.
 */
#define BASE_APPEND "console=ttyS0 quiet panic=-1 oops=panic printk.devkmsg=on"

/* After @@DONE the guest powers off at once; this is only a safety net. */
#define POWEROFF_LIMIT_S 10.0

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *path_in(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

static void add_guest_file_as(struct cpio *c, const char *dir,
			      const char *name, const char *dest,
			      unsigned int mode)
{
	char *src = path_in(dir, name);

	cpio_add_file(c, dest, src, mode);
	free(src);
}

/* Every harness/guest/NAME.sh but init.sh goes to /check/NAME.sh. */
static void add_guest_files(struct cpio *c, const struct suite_config *cfg)
{
	DIR *d = opendir(cfg->guest_dir);
	struct dirent *e;

	if (!d) {
		c->error = c->error ? c->error : -errno;
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *src, *dest;

		if (n < 4 || strcmp(e->d_name + n - 3, ".sh") ||
		    !strcmp(e->d_name, "init.sh"))
			continue;
		src = path_in(cfg->guest_dir, e->d_name);
		dest = path_in("check", e->d_name);
		cpio_add_file(c, dest, src, 0644);
		free(src);
		free(dest);
	}
	closedir(d);
	add_guest_file_as(c, cfg->guest_dir, "init.sh", "init", 0755);
}

/*
 * /check/index: "<index> <name> [args]" a line, the order the guest runs
 * them in; /check/tests.sh: the lab's test functions. A test that still
 * carries a script fragment gets it as /check/scripts/<index>.
 */
static void add_tests(struct cpio *c, const struct suite_config *cfg,
		      const struct lab *lab)
{
	char path[64], *index = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&index, &len);

	for (int i = 0; i < lab->ntests; i++) {
		const struct lab_test *t = &lab->tests[i];

		if (t->script) {
			snprintf(path, sizeof(path), "check/scripts/%d", i);
			cpio_add_data(c, path, t->script, strlen(t->script),
				      0644);
		}
		fprintf(f, "%d %s%s%s\n", i, t->name, t->args ? " " : "",
			t->args ? t->args : "");
	}
	fclose(f);
	cpio_add_data(c, "check/index", index, len, 0644);
	free(index);
	if (cfg->tests_sh)
		cpio_add_file(c, "check/tests.sh", cfg->tests_sh, 0644);
	else
		cpio_add_data(c, "check/tests.sh", "", 0, 0644);
}

/* The module as the guest gets it: without debug information. */
static int guest_module(const struct suite_config *cfg, char *path,
			size_t size)
{
	snprintf(path, size, "%s/mybrd-guest.ko", cfg->workdir);
	return module_strip(cfg->module, path);
}

static bool module_built(const struct suite_config *cfg)
{
	return !cfg->build || module_build_ok(cfg->build);
}

int suite_build_initramfs(const struct suite_config *cfg,
			  const struct lab *lab, const char *path)
{
	char module[4200];
	static const char *const dirs[] = {
		"bin", "dev", "proc", "sys", "tmp", "check", "check/scripts",
	};
	struct cpio c;
	int err = cpio_open(&c, path);

	if (err)
		return err;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_add_dir(&c, dirs[i]);
	cpio_add_file(&c, "bin/busybox", "/bin/busybox", 0755);
	add_guest_files(&c, cfg);
	if (module_built(cfg) && !guest_module(cfg, module, sizeof(module)))
		cpio_add_file(&c, "check/mybrd.ko", module, 0644);
	add_tests(&c, cfg, lab);
	for (const char *const *p = lab->guest_programs; p && *p; p++)
		cpio_add_binary(&c, *p);
	for (const char *const *m = lab->kernel_modules; m && *m; m++)
		cpio_add_kmod(&c, cfg->modules_dir, *m);
	return cpio_close(&c);
}

/* One boot's files, numbered so every boot of a run stays on record. */
struct boot {
	char console[4096];
	char proto[4096];
	char initrd[4096];
	char append[256];
	char feed[108];		/* unix socket: its path must be short */
};

static void boot_paths(const struct suite_config *cfg, int n, int first,
		       struct boot *b)
{
	snprintf(b->console, sizeof(b->console), "%s/console-%d.log",
		 cfg->workdir, n);
	snprintf(b->proto, sizeof(b->proto), "%s/proto-%d.log", cfg->workdir,
		 n);
	snprintf(b->initrd, sizeof(b->initrd), "%s/initramfs.cpio",
		 cfg->workdir);
	snprintf(b->append, sizeof(b->append), "%s check.first=%d",
		 BASE_APPEND, first);
	snprintf(b->feed, sizeof(b->feed), "/tmp/mybrd-feed-%d-%d.sock",
		 (int)getpid(), n);
}

static struct vm_config vm_config_for(const struct suite_config *cfg,
				      const struct boot *b)
{
	struct vm_config vc = {
		.kernel = cfg->kernel,
		.initrd = b->initrd,
		.append = b->append,
		.accel = cfg->accel,
		.console_log = b->console,
		.proto_log = b->proto,
		.feed_socket = module_built(cfg) ? NULL : b->feed,
		.memory_mb = cfg->memory_mb,
		.cpus = cfg->cpus,
	};
	return vc;
}

/* What the watchdog saw of one boot. */
struct watch {
	bool killed;		/* by the watchdog: something hung */
	bool ready;
	double ready_at;	/* seconds after start */
	double *test_seconds;	/* per test, from its begin to its end */
};

static void note_progress(const struct proto *p, struct watch *w,
			  double t, int *last, double *since)
{
	if (p->ready && !w->ready) {
		w->ready = true;
		w->ready_at = t;
		*since = t;
	}
	/* A test ended or another began: the clock starts again. */
	int mark = p->current * 2 + (p->current >= 0 &&
				     p->tests[p->current].ended);
	if (mark != *last) {
		if (*last >= 0 && *last / 2 < p->ntests)
			w->test_seconds[*last / 2] += t - *since;
		*last = mark;
		*since = t;
	}
}

static bool overdue(const struct suite_config *cfg, const struct proto *p,
		    double t, double since)
{
	if (!p->ready)
		return t > cfg->boot_limit_s;
	if (p->done)
		return t - since > POWEROFF_LIMIT_S;
	return t - since > cfg->test_limit_s;
}

/*
 * Sends the module over the feed socket: its length, a newline, its bytes.
 * The connection must stay open until the VM ends: QEMU drops what the guest
 * has not read yet when its peer hangs up. Returns the socket or -errno.
 */
static int send_module(const struct suite_config *cfg, const char *socket_path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[4200], header[32];
	size_t len = 0;
	char *data;
	int fd, err = 0;

	if (guest_module(cfg, path, sizeof(path)))
		return -EIO;
	data = read_text_file(path, &len);
	if (!data)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	snprintf(header, sizeof(header), "%zu\n", len);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    write(fd, header, strlen(header)) != (ssize_t)strlen(header) ||
	    write(fd, data, len) != (ssize_t)len)
		err = -errno;
	free(data);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/*
 * While the module is being built, the guest waits for it: that time is the
 * build's, not a test's, so no limit runs. Returns -ECANCELED when the build
 * failed (the boot is pointless) and -EIO when the module cannot be sent.
 */
static int feed_module(const struct suite_config *cfg, const struct boot *b,
		       const struct proto *p, int *feed_fd, double *since,
		       double t)
{
	if (*feed_fd >= 0)
		return 0;
	if (!module_build_poll(cfg->build, false)) {
		*since = t;
		return 0;
	}
	if (!module_build_ok(cfg->build))
		return -ECANCELED;
	if (!p->want_module)
		return 0;
	*since = t;
	*feed_fd = send_module(cfg, b->feed);
	return *feed_fd < 0 ? *feed_fd : 0;
}

/* Runs one boot to its end, killing QEMU if a test or the boot hangs. */
static int watch_boot(const struct suite_config *cfg, const struct boot *b,
		      int ntests, struct watch *w)
{
	struct vm_config vc = vm_config_for(cfg, b);
	double start = now_s(), since = 0;
	int feed_fd = -1, last = -1, err = 0;
	struct vm vm;

	remove(b->console);
	remove(b->proto);
	unlink(b->feed);
	err = vm_start(&vc, &vm);
	if (err)
		return err;
	while (!vm_wait(&vm, 20)) {
		double t = now_s() - start;
		struct proto p;
		char *text = read_text_file(b->proto, NULL);

		proto_parse(&p, text, ntests);
		free(text);
		note_progress(&p, w, t, &last, &since);
		if (vc.feed_socket)
			err = feed_module(cfg, b, &p, &feed_fd, &since, t);
		bool late = overdue(cfg, &p, t, since);

		proto_free(&p);
		if (late || err) {
			w->killed = !err;
			vm_kill(&vm);
		}
	}
	if (feed_fd >= 0)
		close(feed_fd);
	unlink(b->feed);
	if (err)
		return err;
	/* The test that was running when QEMU stopped: it ran until now. */
	if (last >= 0 && last % 2 == 0 && last / 2 < ntests)
		w->test_seconds[last / 2] += now_s() - start - since;
	return 0;
}

static char *strdupf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* One plain sentence for a test that never reached its end. */
static char *crash_cause(const struct suite_config *cfg,
			 const struct kslice *s, bool killed)
{
	size_t at = 0;
	enum kproblem p = klog_find_problem(s, &at);
	const char *line = p ? s->log->lines[at] : "";

	if (killed && p)
		return strdupf("it hung: no end within %.0f s, after a kernel %s (%s)",
			       cfg->test_limit_s, kproblem_name(p), line);
	if (killed)
		return strdupf("it hung: no end within %.0f s and no kernel message",
			       cfg->test_limit_s);
	if (p)
		return strdupf("a kernel %s stopped the VM (%s)",
			       kproblem_name(p), line);
	return strdupf("the VM stopped with no kernel message");
}

static char *boot_cause(const struct suite_config *cfg, const struct klog *log,
			bool killed)
{
	struct kslice all = klog_all(log);
	size_t at = 0;
	enum kproblem p = klog_find_problem(&all, &at);

	if (p)
		return strdupf("the VM did not boot: a kernel %s (%s)",
			       kproblem_name(p), log->lines[at]);
	if (killed && cfg->accel && !strcmp(cfg->accel, "kvm"))
		return strdupf("the VM did not boot within %.0f s under KVM (nested KVM often hangs; ACCEL=tcg works everywhere)",
			       cfg->boot_limit_s);
	if (killed)
		return strdupf("the VM did not boot within %.0f s",
			       cfg->boot_limit_s);
	return strdupf("the VM stopped before the tests began (is QEMU installed? see %s)",
		       cfg->workdir);
}

/* Copies what this boot's tests did into the run's results. */
static int collect(struct suite_run *run, const struct suite_config *cfg,
		   const struct boot *b, const struct watch *w, int first)
{
	struct klog *log = &run->logs[run->nboots - 1];
	char *text = read_text_file(b->proto, NULL);
	struct proto p;
	int next = run->ntests;

	klog_load(log, b->console);
	proto_parse(&p, text, run->ntests);
	free(text);
	for (int i = first; i < run->ntests; i++) {
		struct test_result *r = &run->results[i];

		if (!p.tests[i].began)
			continue;
		r->ran = true;
		r->ended = p.tests[i].ended;
		r->rc = p.tests[i].rc;
		r->output = p.tests[i].output;
		p.tests[i].output = NULL;
		r->seconds = w->test_seconds[i];
		klog_test_slice(log, i, &r->dmesg);
		if (!r->ended && next == run->ntests) {
			r->cause = crash_cause(cfg, &r->dmesg, w->killed);
			next = i + 1;
		}
	}
	/* Stopped between tests: go on with the first that did not run. */
	if (next == run->ntests && !p.done) {
		for (int i = first; i < run->ntests; i++)
			if (!p.tests[i].began) {
				next = i;
				break;
			}
	}
	proto_free(&p);
	return next;
}

static void fail_remaining(struct suite_run *run, int first, const char *why)
{
	for (int i = first; i < run->ntests; i++)
		if (!run->results[i].ran)
			run->results[i].cause = strdup(why);
}

int suite_run(const struct suite_config *cfg, const struct lab *lab,
	      struct suite_run *run)
{
	struct boot b;
	int first = 0;
	int err;

	memset(run, 0, sizeof(*run));
	run->ntests = lab->ntests;
	run->results = calloc(lab->ntests, sizeof(*run->results));
	run->logs = calloc(lab->ntests + 1, sizeof(*run->logs));
	if (!run->results || !run->logs)
		return -ENOMEM;
	boot_paths(cfg, 0, 0, &b);
	err = suite_build_initramfs(cfg, lab, b.initrd);
	if (err)
		return err;
	while (first < lab->ntests && run->nboots <= lab->ntests) {
		double seconds[lab->ntests];
		struct watch w = { .test_seconds = seconds };
		int next;

		memset(seconds, 0, sizeof(seconds));
		boot_paths(cfg, run->nboots, first, &b);
		/* After a crash the module exists: it goes in the initramfs. */
		if (run->nboots > 0 && cfg->build) {
			err = suite_build_initramfs(cfg, lab, b.initrd);
			if (err)
				return err;
		}
		err = watch_boot(cfg, &b, lab->ntests, &w);
		if (err == -ECANCELED) {
			run->build_failed = true;
			return 0;
		}
		if (err)
			return err;
		run->nboots++;
		next = collect(run, cfg, &b, &w, first);
		run->boot_seconds += w.ready_at;
		for (int i = 0; i < lab->ntests; i++)
			run->test_seconds += seconds[i];
		if (!w.ready) {
			run->boot_failure = boot_cause(cfg,
				&run->logs[run->nboots - 1], w.killed);
			fail_remaining(run, first, run->boot_failure);
			break;
		}
		if (next <= first) {
			fail_remaining(run, first, "the VM stopped before this test began");
			break;
		}
		first = next;
	}
	return 0;
}

int suite_console(const struct suite_config *cfg, const struct lab *lab)
{
	struct boot b;
	struct vm_config vc;
	struct vm vm;
	int err;

	boot_paths(cfg, 0, 0, &b);
	snprintf(b.append, sizeof(b.append), "%s check.mode=console",
		 BASE_APPEND);
	err = suite_build_initramfs(cfg, lab, b.initrd);
	if (err)
		return err;
	vc = vm_config_for(cfg, &b);
	vc.console_log = NULL;
	err = vm_start(&vc, &vm);
	if (err)
		return err;
	vm_wait(&vm, -1);
	return 0;
}

void suite_run_free(struct suite_run *run)
{
	for (int i = 0; i < run->ntests; i++) {
		free(run->results[i].output);
		free(run->results[i].cause);
	}
	for (int i = 0; i < run->nboots; i++)
		klog_free(&run->logs[i]);
	free(run->results);
	free(run->logs);
	free(run->boot_failure);
}
