// SPDX-License-Identifier: GPL-2.0
#include "initramfs.h"

#include <errno.h>
#include <stdbool.h>
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

/* "kernel/fs/ext4/ext4.ko.xz" -> "ext4", with '-' read as '_' as modprobe does. */
static void module_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	snprintf(name, size, "%.*s", (int)n, base);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
}

/* Reads a module, decompressing it as its file name says. */
static char *read_module(const char *path, size_t *len)
{
	const char *tool = NULL;
	char cmd[4200], *buf = NULL;
	size_t cap = 0, n = 0, got;
	FILE *p;

	if (strstr(path, ".ko.xz"))
		tool = "xz -dc";
	else if (strstr(path, ".ko.zst"))
		tool = "zstd -dcq";
	if (!tool)
		return slurp(path, len);
	snprintf(cmd, sizeof(cmd), "%s '%s'", tool, path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	do {
		if (n == cap) {
			char *bigger = realloc(buf, cap = cap * 2 + 65536);

			if (!bigger)
				break;
			buf = bigger;
		}
		got = fread(buf + n, 1, cap - n, p);
		n += got;
	} while (got > 0);
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int add_module_file(struct cpio *c, const char *modules_dir,
			   const char *rel, FILE *order)
{
	char path[4096], name[256], dest[300];
	size_t len = 0;
	char *data;

	snprintf(path, sizeof(path), "%s/%s", modules_dir, rel);
	module_name(rel, name, sizeof(name));
	data = read_module(path, &len);
	if (!data) {
		fprintf(stderr, "initramfs: cannot read module %s\n", path);
		return -ENOENT;
	}
	snprintf(dest, sizeof(dest), "lib/modules/%s.ko", name);
	cpio_add_data(c, dest, data, len, 0644);
	fprintf(order, "%s\n", name);
	free(data);
	return 0;
}

/*
 * The line of modules_dir/file whose first field (its path, up to a ":"
 * or the end) is module <name>; malloc'ed, without its newline, or NULL.
 * modules.dep: "<path>: <dep> <dep>..."; modules.builtin: "<path>".
 */
static char *module_line(const char *modules_dir, const char *file,
			 const char *name)
{
	char path[4096], want[256], have[256], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", modules_dir, file);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	module_name(name, want, sizeof(want));
	while (getline(&line, &cap, f) > 0) {
		size_t n = strcspn(line, ":\n");
		char end = line[n];

		line[n] = '\0';
		module_name(line, have, sizeof(have));
		line[n] = end;
		if (!strcmp(have, want)) {
			fclose(f);
			line[strcspn(line, "\n")] = '\0';
			return line;
		}
	}
	free(line);
	fclose(f);
	return NULL;
}

/* Is module name built into the kernel (modules.builtin lists it)? */
static bool is_builtin(const char *modules_dir, const char *name)
{
	char *line = module_line(modules_dir, "modules.builtin", name);

	free(line);
	return line != NULL;
}

bool kmod_exists(const char *modules_dir, const char *name)
{
	char *line = module_line(modules_dir, "modules.dep", name);
	bool found = line && strchr(line, ':');

	free(line);
	return found || is_builtin(modules_dir, name);
}

int cpio_add_kmod(struct cpio *c, const char *modules_dir, const char *name)
{
	char *line = module_line(modules_dir, "modules.dep", name);
	char *deps[64], *order_text;
	char dest[300];
	size_t order_len;
	FILE *order;
	int ndeps = 0, err = 0;

	if (line && !strchr(line, ':')) {
		free(line);
		line = NULL;
	}

	if (!line && is_builtin(modules_dir, name)) {
		/* Built into the kernel: nothing to load. */
		snprintf(dest, sizeof(dest), "lib/modules/%s.load", name);
		cpio_add_dir(c, "lib");
		cpio_add_dir(c, "lib/modules");
		cpio_add_data(c, dest, "", 0, 0644);
		return 0;
	}
	if (!line) {
		fprintf(stderr, "initramfs: no module %s in %s/modules.dep\n",
			name, modules_dir);
		return -ENOENT;
	}
	order = open_memstream(&order_text, &order_len);
	*strchr(line, ':') = '\0';
	for (char *tok = strtok(line + strlen(line) + 1, " "); tok && ndeps < 64;
	     tok = strtok(NULL, " "))
		deps[ndeps++] = tok;
	cpio_add_dir(c, "lib");
	cpio_add_dir(c, "lib/modules");
	/* modules.dep lists what a module needs, the last to be loaded first. */
	while (!err && ndeps > 0)
		err = add_module_file(c, modules_dir, deps[--ndeps], order);
	if (!err)
		err = add_module_file(c, modules_dir, line, order);
	fclose(order);
	snprintf(dest, sizeof(dest), "lib/modules/%s.load", name);
	cpio_add_data(c, dest, order_text, order_len, 0644);
	free(order_text);
	free(line);
	if (err)
		note_error(c, err);
	return err;
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
