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
		if (!lab->tests[i].script && !defines(text, lab->tests[i].name))
			missing = lab->tests[i].name;
	free(text);
	return missing;
}
