// SPDX-License-Identifier: GPL-2.0
#include "hash.h"
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t hash_text(uint64_t h, const char *text)
{
	return hash_bytes(h, text, strlen(text) + 1);
}

uint64_t hash_stat(uint64_t h, const char *path)
{
	struct stat st;
	char id[4400];

	if (stat(path, &st))
		snprintf(id, sizeof(id), "%s: none", path);
	else
		snprintf(id, sizeof(id), "%s %lld %lld.%09ld", path,
			 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec);
	return hash_text(h, id);
}

uint64_t hash_file(uint64_t h, const char *path, int *err)
{
	size_t len = 0;
	char *data = read_text_file(path, &len);

	if (!data) {
		*err = -errno;
		return h;
	}
	h = hash_bytes(h, data, len);
	free(data);
	return h;
}
