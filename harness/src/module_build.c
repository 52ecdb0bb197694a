// SPDX-License-Identifier: GPL-2.0
#include "module_build.h"
#include "textfile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOWN_ERRORS 12

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = read_text_file(from, &len);
	FILE *f;
	int err = 0;

	if (!data)
		return -errno;
	f = fopen(to, "wb");
	if (!f || fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (f && fclose(f) != 0)
		err = -EIO;
	free(data);
	return err;
}

static int stage(const struct module_build *mb)
{
	char to[4096];
	int err;

	snprintf(to, sizeof(to), "%s/mybrd.c", mb->dir);
	err = copy_file(mb->source, to);
	if (err) {
		fprintf(stderr, "cannot read %s: %s\n", mb->source,
			strerror(-err));
		return err;
	}
	snprintf(to, sizeof(to), "%s/Kbuild", mb->dir);
	err = copy_file(mb->kbuild, to);
	snprintf(to, sizeof(to), "%s/mybrd_compat.h", mb->dir);
	return err ? err : copy_file(mb->compat, to);
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

int module_build(const struct module_build *mb, char **ko)
{
	char *cmd, *log, logpath[4096], dir[PATH_MAX];
	int status, err = stage(mb);

	if (err)
		return err;
	/* Kbuild resolves M= from the kernel tree: it must be absolute. */
	if (!realpath(mb->dir, dir))
		return -errno;
	snprintf(logpath, sizeof(logpath), "%s/build.log", mb->dir);
	if (asprintf(&cmd, "make -C '%s' M='%s' modules > '%s' 2>&1", mb->kdir,
		     dir, logpath) < 0)
		return -ENOMEM;
	status = system(cmd);
	free(cmd);
	log = read_text_file(logpath, NULL);
	if (status != 0) {
		printf("mybrd.c does not compile (make exited with status %d); the compiler said:\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
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
