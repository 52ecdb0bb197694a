/* SPDX-License-Identifier: GPL-2.0 */
/* Whole files in memory: logs, sources, results. */
#ifndef MYBRD_TEXTFILE_H
#define MYBRD_TEXTFILE_H

#include <stddef.h>

/*
 * Reads a whole file into a malloc'ed, NUL-terminated buffer and its length
 * (without the NUL) into *len if len is not NULL. NULL with errno set on
 * failure.
 */
char *read_text_file(const char *path, size_t *len);

#endif
