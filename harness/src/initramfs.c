// SPDX-License-Identifier: GPL-2.0
#include "initramfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CPIO_TRAILER "TRAILER!!!"

static void note_error(struct cpio *c, int err)
{
	if (!c->error)
		c->error = err;
}

int cpio_open(struct cpio *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->out = fopen(path, "wb");
	return c->out ? 0 : -errno;
}

static void pad4(struct cpio *c)
{
	static const char zeros[4];
	long pos = ftell(c->out);

	if (pos % 4)
		fwrite(zeros, 1, 4 - pos % 4, c->out);
}

/* One newc header and name; the caller writes the data and pads it. */
static void put_header(struct cpio *c, const char *path, unsigned int mode,
		       size_t size)
{
	/* newc names have no leading slash: "bin/busybox". */
	while (*path == '/')
		path++;
	fprintf(c->out,
		"070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		++c->ino, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
		strlen(path) + 1, 0u);
	fwrite(path, 1, strlen(path) + 1, c->out);
	pad4(c);
}

void cpio_add_data(struct cpio *c, const char *path, const void *data,
		   size_t len, unsigned int mode)
{
	put_header(c, path, S_IFREG | mode, len);
	if (fwrite(data, 1, len, c->out) != len)
		note_error(c, -EIO);
	pad4(c);
}

void cpio_add_dir(struct cpio *c, const char *path)
{
	put_header(c, path, S_IFDIR | 0755, 0);
}

void cpio_add_symlink(struct cpio *c, const char *path, const char *target)
{
	/* A symlink's data is its target. */
	put_header(c, path, S_IFLNK | 0777, strlen(target));
	fwrite(target, 1, strlen(target), c->out);
	pad4(c);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(size ? size : 1);
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = size;
	}
	fclose(f);
	return buf;
}

void cpio_add_file(struct cpio *c, const char *path, const char *host_path,
		   unsigned int mode)
{
	size_t len = 0;
	char *data = slurp(host_path, &len);

	if (!data) {
		note_error(c, -ENOENT);
		fprintf(stderr, "initramfs: cannot read %s\n", host_path);
		return;
	}
	cpio_add_data(c, path, data, len, mode);
	free(data);
}

/* Adds every parent directory of path ("/usr/lib/x" -> usr, usr/lib). */
static void add_parents(struct cpio *c, const char *path)
{
	char dir[4096];

	for (const char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		cpio_add_dir(c, dir);
	}
}

void cpio_add_binary(struct cpio *c, const char *host_path)
{
	char cmd[4200], line[4096], lib[4096];
	FILE *ldd;

	add_parents(c, host_path);
	cpio_add_file(c, host_path, host_path, 0755);
	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", host_path);
	ldd = popen(cmd, "r");
	if (!ldd)
		return;
	/* "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or a
	 * bare "/lib64/ld-linux-x86-64.so.2 (0x...)": take the path.
	 */
	while (fgets(line, sizeof(line), ldd)) {
		char *arrow = strstr(line, "=> ");
		char *start = arrow ? arrow + 3 : line;

		if (sscanf(start, " %4095s", lib) == 1 && lib[0] == '/') {
			add_parents(c, lib);
			cpio_add_file(c, lib, lib, 0755);
		}
	}
	pclose(ldd);
}

int cpio_close(struct cpio *c)
{
	int err;

	put_header(c, CPIO_TRAILER, 0, 0);
	if (fflush(c->out) != 0 || ferror(c->out))
		note_error(c, -EIO);
	err = c->error;
	if (fclose(c->out) != 0 && !err)
		err = -EIO;
	return err;
}
