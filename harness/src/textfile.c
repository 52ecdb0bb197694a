// SPDX-License-Identifier: GPL-2.0
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *read_text_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *buf, *bigger;
	int err = 0;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (!buf)
		err = ENOMEM;
	else if (ferror(f))
		err = EIO;
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool text_file_has_new(const char *path, long *offset, const char *needle)
{
	size_t keep = strlen(needle), n;
	FILE *f = fopen(path, "rb");
	bool found = false;
	char buf[65536];

	if (!f)
		return false;
	while (!found && !fseek(f, *offset, SEEK_SET) &&
	       (n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = '\0';
		/* Log text: a NUL would hide what follows it from strstr. */
		for (size_t i = 0; i < n; i++)
			buf[i] = buf[i] ? buf[i] : ' ';
		found = strstr(buf, needle) != NULL;
		if (n < keep)
			break;
		*offset += (long)(n - keep + 1);
		if (n < sizeof(buf) - 1)
			break;
	}
	fclose(f);
	return found;
}

int copy_text_file(const char *from, const char *to)
{
	size_t len = 0;
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
