// SPDX-License-Identifier: GPL-2.0
#include "test_functions.h"
#include "textfile.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does text define "name()" at the start of a line? */
static bool defines(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, n))
			continue;
		const char *q = p + n;

		while (*q == ' ')
			q++;
		if (q[0] == '(' && q[1] == ')')
			return true;
	}
	return false;
}

/* All the shell text a test's function may live in, one buffer. */
static char *all_shell_text(const char *tests_sh, const char *guest_dir)
{
	char *all = NULL, *text;
	size_t len = 0;
	FILE *out = open_memstream(&all, &len);
	DIR *d = opendir(guest_dir);
	struct dirent *e;

	text = tests_sh ? read_text_file(tests_sh, NULL) : NULL;
	if (text)
		fprintf(out, "%s\n", text);
	free(text);
	while (d && (e = readdir(d))) {
		char path[4352];
		size_t n = strlen(e->d_name);

		if (n < 4 || strcmp(e->d_name + n - 3, ".sh"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", guest_dir, e->d_name);
		text = read_text_file(path, NULL);
		if (text)
			fprintf(out, "%s\n", text);
		free(text);
	}
	if (d)
		closedir(d);
	fclose(out);
	return all;
}

const char *test_without_function(const struct lab *lab, const char *tests_sh,
				  const char *guest_dir)
{
	char *text = all_shell_text(tests_sh, guest_dir);
	const char *missing = NULL;

	for (int i = 0; text && i < lab->ntests && !missing; i++)
		if (!defines(text, lab->tests[i].name))
			missing = lab->tests[i].name;
	free(text);
	return missing;
}

/* The name a line "name() {" defines, into buf; false for other lines. */
static bool function_name(const char *line, char *buf, size_t size)
{
	size_t n = 0;

	while (line[n] == '_' || (line[n] >= 'a' && line[n] <= 'z') ||
	       (line[n] >= 'A' && line[n] <= 'Z') ||
	       (n && line[n] >= '0' && line[n] <= '9'))
		n++;
	if (!n || n >= size)
		return false;
	const char *q = line + n;

	while (*q == ' ')
		q++;
	if (q[0] != '(' || q[1] != ')')
		return false;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return true;
}

/* Does the file at path define name at the start of a line? */
static bool file_defines(const char *path, const char *name)
{
	char *text = read_text_file(path, NULL);
	bool found = text && defines(text, name);

	free(text);
	return found;
}

/* Is name defined in a later file of files[from..n)? Its index, or -1. */
static int defined_again(char files[][4352], int from, int n,
			 const char *name)
{
	for (int k = from; k < n; k++)
		if (file_defines(files[k], name))
			return k;
	return -1;
}

#define MAX_SHELL_FILES 64

bool shell_function_twice(const char *tests_sh, const char *guest_dir,
			  char *why, size_t size)
{
	static char files[MAX_SHELL_FILES][4352];
	DIR *d = opendir(guest_dir);
	struct dirent *e;
	int n = 0;
	bool twice = false;

	if (tests_sh)
		snprintf(files[n++], sizeof(files[0]), "%s", tests_sh);
	while (d && (e = readdir(d)) && n < MAX_SHELL_FILES) {
		size_t len = strlen(e->d_name);

		if (len > 3 && !strcmp(e->d_name + len - 3, ".sh"))
			snprintf(files[n++], sizeof(files[0]), "%s/%s",
				 guest_dir, e->d_name);
	}
	if (d)
		closedir(d);
	for (int i = 0; i < n && !twice; i++) {
		char *text = read_text_file(files[i], NULL);
		char name[128];

		for (const char *p = text; p && *p && !twice;
		     p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			int k;

			if (!function_name(p, name, sizeof(name)))
				continue;
			k = defined_again(files, i + 1, n, name);
			if (k >= 0) {
				snprintf(why, size, "%s() is defined in %s and in %s",
					 name, files[i], files[k]);
				twice = true;
			}
		}
		free(text);
	}
	return twice;
}
