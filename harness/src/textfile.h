/* SPDX-License-Identifier: GPL-2.0 */
/* Whole files in memory: logs, sources, results. */
#ifndef MYBRD_TEXTFILE_H
#define MYBRD_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads a whole file into a malloc'ed, NUL-terminated buffer and its length
 * (without the NUL) into *len if len is not NULL. NULL with errno set on
 * failure.
 */
char *read_text_file(const char *path, size_t *len);

/*
 * Does the growing file at path hold needle, from *offset on? Reads only
 * what is new since the last call: *offset moves past what was searched
 * (less a needle's length, so a needle cut by the end is found next time).
 */
bool text_file_has_new(const char *path, long *offset, const char *needle);

/* Copies the file at from to to, whole. 0, or -errno (-EIO for a write). */
int copy_text_file(const char *from, const char *to);

#endif
