// SPDX-License-Identifier: GPL-2.0
#include "module_build.h"
#include "clock.h"
#include "hash.h"
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOWN_ERRORS 12

static int stage(const struct module_build *mb)
{
	char to[4096];
	int err;

	snprintf(to, sizeof(to), "%s/mybrd.c", mb->dir);
	err = copy_text_file(mb->source, to);
	if (err) {
		fprintf(stderr, "cannot read %s: %s\n", mb->source,
			strerror(-err));
		return err;
	}
	snprintf(to, sizeof(to), "%s/Kbuild", mb->dir);
	err = copy_text_file(mb->kbuild, to);
	snprintf(to, sizeof(to), "%s/mybrd_compat.h", mb->dir);
	err = err ? err : copy_text_file(mb->compat, to);
	if (err || !mb->debug_header)
		return err;
	snprintf(to, sizeof(to), "%s/mybrd_debug.h", mb->dir);
	return copy_text_file(mb->debug_header, to);
}

/* Compiler diagnostics name the scratch copy; the student knows mybrd.c. */
static int print_diagnostics(const char *log, const char *dir,
			     const char *kind, int max)
{
	int shown = 0;
	size_t dlen = strlen(dir);

	for (const char *p = log; *p && shown < max;) {
		const char *nl = strchrnul(p, '\n');
		const char *line = p;

		p = *nl ? nl + 1 : nl;
		if (!memmem(line, nl - line, kind, strlen(kind)))
			continue;
		if (strncmp(line, dir, dlen) == 0 && line[dlen] == '/')
			line += dlen + 1;
		printf("    %.*s\n", (int)(nl - line), line);
		shown++;
	}
	return shown;
}

/* When make failed before the compiler spoke: its last lines say why. */
static void print_tail(const char *log, int lines)
{
	const char *p = log + strlen(log);

	while (p > log && lines >= 0)
		if (*--p == '\n')
			lines--;
	for (const char *q = p; *q;) {
		const char *nl = strchrnul(q, '\n');

		if (nl > q)
			printf("    %.*s\n", (int)(nl - q), q);
		q = *nl ? nl + 1 : nl;
	}
}

/*
 * make -C KDIR M=DIR modules, with probe-cache as the compiler wrapper
 * through Debian's ccache hook when there is one (other kernel trees
 * ignore the two variables).
 */
static void exec_make(const struct module_build *mb, const char *mdir)
{
	char wrapper[PATH_MAX + 8];
	const char *debug = mb->debug_header ? "MYBRD_DEBUG=y" : "MYBRD_DEBUG=";

	if (mb->probe_cache && !access(mb->probe_cache, X_OK)) {
		snprintf(wrapper, sizeof(wrapper), "CCACHE=%s",
			 mb->probe_cache);
		setenv("PROBE_CACHE_DIR", mb->probe_cache_dir, 1);
		execlp("make", "make", "-C", mb->kdir, mdir,
		       "DEBIAN_KERNEL_USE_CCACHE=1", wrapper, debug,
		       "modules", (char *)NULL);
	}
	execlp("make", "make", "-C", mb->kdir, mdir, debug, "modules",
	       (char *)NULL);
}

/* What the module is built from: the same again needs no make. */
static void build_key(const struct module_build *mb, char *key, size_t size)
{
	const char *files[] = { mb->source, mb->kbuild, mb->compat,
				mb->debug_header };
	const char *tree[] = { ".config", "Module.symvers", "Makefile" };
	uint64_t h = hash_text(HASH_START, "mybrd module 1");
	char path[PATH_MAX + 32];
	int err = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		h = files[i] ? hash_file(h, files[i], &err) : hash_text(h, "-");
	h = hash_text(h, mb->kdir);
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", mb->kdir, tree[i]);
		h = hash_stat(h, path);
	}
	snprintf(key, size, err ? "" : "%016llx", (unsigned long long)h);
}

/*
 * The module in the build directory was built from the same inputs: the
 * job is done at once, its log (and warnings) the last build's.
 */
static bool already_built(const struct module_build *mb, struct build_job *job)
{
	char path[PATH_MAX + 32];
	char *stamp;
	bool same;

	snprintf(job->stamp, sizeof(job->stamp), "%s/build.stamp", mb->dir);
	build_key(mb, job->key, sizeof(job->key));
	stamp = read_text_file(job->stamp, NULL);
	snprintf(path, sizeof(path), "%s/mybrd.ko", mb->dir);
	same = job->key[0] && stamp && !strcmp(stamp, job->key) &&
	       !access(path, R_OK);
	free(stamp);
	if (!same) {
		unlink(job->stamp);
		return false;
	}
	job->done = true;
	job->status = 0;
	job->started = now_s();
	return true;
}

/* Notes the inputs of a module built without errors. */
static void stamp_built(struct build_job *job)
{
	FILE *f;

	if (!job->key[0] || !module_build_ok(job))
		return;
	f = fopen(job->stamp, "w");
	if (f) {
		fputs(job->key, f);
		fclose(f);
	}
}

int module_build_start(const struct module_build *mb, struct build_job *job)
{
	char dir[PATH_MAX], logpath[PATH_MAX + 16];
	int err;

	memset(job, 0, sizeof(*job));
	if (already_built(mb, job))
		return 0;
	err = stage(mb);
	if (err)
		return err;
	/* Kbuild resolves M= from the kernel tree: it must be absolute. */
	if (!realpath(mb->dir, dir))
		return -errno;
	snprintf(logpath, sizeof(logpath), "%s/build.log", dir);
	job->started = now_s();
	job->pid = fork();
	if (job->pid < 0)
		return -errno;
	if (job->pid == 0) {
		char mdir[PATH_MAX + 4];
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		/* Dies with the checker, like QEMU. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setpgid(0, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		snprintf(mdir, sizeof(mdir), "M=%s", dir);
		exec_make(mb, mdir);
		_exit(127);
	}
	setpgid(job->pid, job->pid);
	return 0;
}

bool module_build_poll(struct build_job *job, bool wait)
{
	if (!job->done &&
	    waitpid(job->pid, &job->status, wait ? 0 : WNOHANG) == job->pid) {
		job->done = true;
		job->seconds = now_s() - job->started;
		stamp_built(job);
	}
	return job->done;
}

bool module_build_ok(const struct build_job *job)
{
	return job->done && WIFEXITED(job->status) &&
	       WEXITSTATUS(job->status) == 0;
}

void module_build_cancel(struct build_job *job)
{
	if (job->pid > 0 && !job->done) {
		kill(-job->pid, SIGKILL);
		module_build_poll(job, true);
	}
}

int module_build_finish(const struct module_build *mb, struct build_job *job,
			char **ko)
{
	char dir[PATH_MAX], logpath[PATH_MAX + 16];
	char *log;

	module_build_poll(job, true);
	if (!realpath(mb->dir, dir))
		return -errno;
	snprintf(logpath, sizeof(logpath), "%s/build.log", mb->dir);
	log = read_text_file(logpath, NULL);
	if (!module_build_ok(job)) {
		printf("mybrd.c does not compile (make exited with status %d); the compiler said:\n",
		       WIFEXITED(job->status) ? WEXITSTATUS(job->status) : -1);
		if (!print_diagnostics(log ? log : "", dir, "error",
				       SHOWN_ERRORS))
			print_tail(log ? log : "", 5);
		printf("    (full log: %s)\n", logpath);
		free(log);
		return -EINVAL;
	}
	if (log && strstr(log, "warning:")) {
		printf("note: mybrd.c compiles with warnings; the compiler said:\n");
		print_diagnostics(log, dir, "warning:", SHOWN_ERRORS);
	}
	free(log);
	if (asprintf(ko, "%s/mybrd.ko", mb->dir) < 0)
		return -ENOMEM;
	return 0;
}

int module_strip(const char *ko, const char *out)
{
	char *cmd;
	int status;

	if (asprintf(&cmd, "objcopy --strip-debug '%s' '%s'", ko, out) < 0)
		return -ENOMEM;
	status = system(cmd);
	free(cmd);
	return status == 0 ? 0 : -EIO;
}
