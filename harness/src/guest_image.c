// SPDX-License-Identifier: GPL-2.0
#include "guest_image.h"
#include "initramfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

char *guest_index(const struct lab *lab, size_t *len)
{
	char *index = NULL;
	FILE *f = open_memstream(&index, len);

	if (!f)
		return NULL;
	for (int i = 0; i < lab->ntests; i++) {
		const struct lab_test *t = &lab->tests[i];

		fprintf(f, "%d %s%s%s\n", i, t->name, t->args ? " " : "",
			t->args ? t->args : "");
	}
	fclose(f);
	return index;
}

/*
 * /check/tests.sh: the lab's test functions; with_index, /check/index
 * too (otherwise it comes with the module).
 */
static void add_tests(struct cpio *c, const struct suite_config *cfg,
		      const struct lab *lab, bool with_index)
{
	size_t len = 0;
	char *index = with_index ? guest_index(lab, &len) : NULL;

	if (index)
		cpio_add_data(c, "check/index", index, len, 0644);
	free(index);
	if (cfg->tests_sh)
		cpio_add_file(c, "check/tests.sh", cfg->tests_sh, 0644);
	else
		cpio_add_data(c, "check/tests.sh", "", 0, 0644);
}

/* "name?" comes along only where this kernel has it (see lab.h). */
static void add_kernel_module(struct cpio *c, const char *modules_dir,
			      const char *name)
{
	char plain[64];
	size_t len = strlen(name);

	if (len == 0 || name[len - 1] != '?' || len >= sizeof(plain)) {
		cpio_add_kmod(c, modules_dir, name);
		return;
	}
	snprintf(plain, sizeof(plain), "%.*s", (int)len - 1, name);
	if (kmod_exists(modules_dir, plain))
		cpio_add_kmod(c, modules_dir, plain);
}

int guest_module(const struct suite_config *cfg, char *path, size_t size)
{
	snprintf(path, size, "%s/mybrd-guest.ko", cfg->workdir);
	return module_strip(cfg->module, path);
}

bool guest_module_built(const struct suite_config *cfg)
{
	return !cfg->build || module_build_ok(cfg->build);
}

int suite_build_initramfs(const struct suite_config *cfg,
			  const struct lab *lab, const char *path,
			  bool with_module)
{
	char module[4200];
	static const char *const dirs[] = {
		"bin", "dev", "proc", "sys", "tmp", "check",
	};
	struct cpio c;
	int err = cpio_open(&c, path);

	if (err)
		return err;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_add_dir(&c, dirs[i]);
	cpio_add_file(&c, "bin/busybox", "/bin/busybox", 0755);
	add_guest_files(&c, cfg);
	if (with_module && !guest_module(cfg, module, sizeof(module)))
		cpio_add_file(&c, "check/mybrd.ko", module, 0644);
	add_tests(&c, cfg, lab, with_module);
	for (const char *const *p = lab->guest_programs; p && *p; p++)
		cpio_add_binary(&c, *p);
	for (const char *const *m = lab->kernel_modules; m && *m; m++)
		add_kernel_module(&c, cfg->modules_dir, *m);
	/* The port the kernel's log leaves by (init.sh's kmsg_reader). */
	cpio_add_kmod(&c, cfg->modules_dir, "virtio_pci");
	cpio_add_kmod(&c, cfg->modules_dir, "virtio_console");
	return cpio_close(&c);
}
