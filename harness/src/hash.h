/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys for what the harness keeps between checks (a saved VM, a built
 * module): a 64-bit FNV-1a hash of what the kept thing depends on. Not
 * cryptographic: it only tells a changed input from the same one.
 */
#ifndef MYBRD_HASH_H
#define MYBRD_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_START 0xcbf29ce484222325ULL

uint64_t hash_bytes(uint64_t h, const void *data, size_t len);

/* The text and its end: "ab" then "c" differs from "a" then "bc". */
uint64_t hash_text(uint64_t h, const char *text);

/* A file's path, size and modification time (or that it is missing). */
uint64_t hash_stat(uint64_t h, const char *path);

/* A file's contents; *err = -errno if it cannot be read. */
uint64_t hash_file(uint64_t h, const char *path, int *err);

#endif
