/* SPDX-License-Identifier: GPL-2.0 */
/* Sentences built with printf formats, for causes and diagnoses. */
#ifndef MYBRD_FORMAT_H
#define MYBRD_FORMAT_H

/* A malloc'ed string made like printf's; NULL when out of memory. */
char *strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
