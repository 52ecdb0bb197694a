// SPDX-License-Identifier: GPL-2.0
#include "accel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *resolve_accel(const char *accel, const char *root,
			  const char *kernel_env, char *reason, size_t size)
{
	char *cmd, line[512] = "";
	FILE *p;

	reason[0] = '\0';
	if (strcmp(accel, "auto"))
		return accel;
	if (asprintf(&cmd, "'%s/harness/tools/accel.sh' --kernel-env '%s' 2>&1",
		     root, kernel_env) < 0)
		return "tcg";
	p = popen(cmd, "r");
	free(cmd);
	if (p && !fgets(line, sizeof(line), p))
		line[0] = '\0';
	if (p)
		pclose(p);
	line[strcspn(line, "\n")] = '\0';
	snprintf(reason, size, "%s", line[0] ? line : "tcg (no answer from harness/tools/accel.sh)");
	return strncmp(line, "kvm", 3) ? "tcg" : "kvm";
}
