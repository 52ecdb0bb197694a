// SPDX-License-Identifier: GPL-2.0
#include "kernel_env.h"

#include <stdio.h>
#include <string.h>

static void set_value(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int read_kernel_env(const char *path, struct kernel_env *env)
{
	char line[4200];
	FILE *f = fopen(path, "r");

	memset(env, 0, sizeof(*env));
	if (!f) {
		printf("No kernel is set up (%s is missing): run 'make setup' first.\n",
		       path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "KVER=", 5))
			set_value(env->kver, sizeof(env->kver), line + 5);
		else if (!strncmp(line, "KDIR=", 5))
			set_value(env->kdir, sizeof(env->kdir), line + 5);
		else if (!strncmp(line, "KIMG=", 5))
			set_value(env->kimg, sizeof(env->kimg), line + 5);
		else if (!strncmp(line, "KBOOT=", 6))
			set_value(env->kboot, sizeof(env->kboot), line + 6);
	}
	fclose(f);
	if (!env->kver[0] || !env->kdir[0] || !env->kboot[0] ||
	    !env->kimg[0]) {
		printf("%s lacks KVER, KDIR, KIMG or KBOOT: run 'make setup' again.\n",
		       path);
		return -1;
	}
	return 0;
}
