// SPDX-License-Identifier: GPL-2.0
#include "test_functions.h"
#include "textfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name a line "name() {" defines (malloc'ed), or NULL for other lines. */
static char *function_name(const char *line)
{
	size_t n = 0;
	const char *q;

	while (line[n] == '_' || (line[n] >= 'a' && line[n] <= 'z') ||
	       (line[n] >= 'A' && line[n] <= 'Z') ||
	       (n && line[n] >= '0' && line[n] <= '9'))
		n++;
	if (!n)
		return NULL;
	for (q = line + n; *q == ' '; q++)
		;
	return q[0] == '(' && q[1] == ')' ? strndup(line, n) : NULL;
}

static int add_file(struct shell_functions *sf, const char *path)
{
	char **files = realloc(sf->files, (sf->nfiles + 1) * sizeof(*files));

	if (!files)
		return -ENOMEM;
	sf->files = files;
	files[sf->nfiles] = strdup(path);
	return files[sf->nfiles++] ? 0 : -ENOMEM;
}

/* Every function the file defines, in order. */
static int add_functions(struct shell_functions *sf, const char *file)
{
	char *text = read_text_file(file, NULL);

	if (!text)
		return -errno;
	for (const char *p = text; *p; p = strchrnul(p, '\n'), p += *p == '\n') {
		char *name = function_name(p);
		struct shell_function *fn;

		if (!name)
			continue;
		fn = realloc(sf->fn, (sf->n + 1) * sizeof(*fn));
		if (!fn) {
			free(name);
			free(text);
			return -ENOMEM;
		}
		sf->fn = fn;
		fn[sf->n++] = (struct shell_function){ name, file };
	}
	free(text);
	return 0;
}

/* tests_sh, then guest_dir's *.sh, into sf->files. */
static int list_files(struct shell_functions *sf, const char *tests_sh,
		      const char *guest_dir)
{
	DIR *d = opendir(guest_dir);
	struct dirent *e;
	int err = tests_sh ? add_file(sf, tests_sh) : 0;

	if (!d)
		return err ? err : -errno;
	while (!err && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char path[4352];

		if (len <= 3 || strcmp(e->d_name + len - 3, ".sh"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", guest_dir, e->d_name);
		err = add_file(sf, path);
	}
	closedir(d);
	return err;
}

int shell_functions_load(struct shell_functions *sf, const char *tests_sh,
			 const char *guest_dir)
{
	int err;

	*sf = (struct shell_functions){ 0 };
	err = list_files(sf, tests_sh, guest_dir);
	for (int i = 0; !err && i < sf->nfiles; i++)
		err = add_functions(sf, sf->files[i]);
	return err;
}

void shell_functions_free(struct shell_functions *sf)
{
	for (int i = 0; i < sf->n; i++)
		free(sf->fn[i].name);
	for (int i = 0; i < sf->nfiles; i++)
		free(sf->files[i]);
	free(sf->fn);
	free(sf->files);
	*sf = (struct shell_functions){ 0 };
}

bool shell_function_twice(const struct shell_functions *sf, char *why,
			  size_t size)
{
	for (int i = 0; i < sf->n; i++)
		for (int k = i + 1; k < sf->n; k++)
			if (sf->fn[i].file != sf->fn[k].file &&
			    !strcmp(sf->fn[i].name, sf->fn[k].name)) {
				snprintf(why, size, "%s() is defined in %s and in %s",
					 sf->fn[i].name, sf->fn[i].file,
					 sf->fn[k].file);
				return true;
			}
	return false;
}

static bool defined(const struct shell_functions *sf, const char *name)
{
	for (int i = 0; i < sf->n; i++)
		if (!strcmp(sf->fn[i].name, name))
			return true;
	return false;
}

const char *test_without_function(const struct lab *lab,
				  const struct shell_functions *sf)
{
	for (int i = 0; i < lab->ntests; i++)
		if (!defined(sf, lab->tests[i].name))
			return lab->tests[i].name;
	return NULL;
}
