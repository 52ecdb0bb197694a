// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

enum { COMMON_ROOT = 256, COMMON_KERNEL_ENV, COMMON_BUILD_DIR, COMMON_ACCEL,
       COMMON_BOOT, COMMON_QEMU_ARG, COMMON_GDB, COMMON_PRINT_COMMAND,
       COMMON_HELP, OWN_FIRST = 512 };

static const struct option common_longopts[] = {
	{ "root", required_argument, NULL, COMMON_ROOT },
	{ "kernel-env", required_argument, NULL, COMMON_KERNEL_ENV },
	{ "build-dir", required_argument, NULL, COMMON_BUILD_DIR },
	{ "accel", required_argument, NULL, COMMON_ACCEL },
	{ "boot", required_argument, NULL, COMMON_BOOT },
	{ "qemu-arg", required_argument, NULL, COMMON_QEMU_ARG },
	{ "gdb", required_argument, NULL, COMMON_GDB },
	{ "print-command", no_argument, NULL, COMMON_PRINT_COMMAND },
	{ "help", no_argument, NULL, COMMON_HELP },
};

#define NCOMMON ((int)(sizeof(common_longopts) / sizeof(common_longopts[0])))

static int add_qemu_arg(struct common_options *c, const char *arg)
{
	const char **args = realloc(c->qemu_args,
				    (c->nqemu_args + 2) * sizeof(*args));

	if (!args)
		return -1;
	args[c->nqemu_args++] = arg;
	args[c->nqemu_args] = NULL;
	c->qemu_args = args;
	return 0;
}

/* A port is a number in 1-65535: anything else is a typo. */
static int take_port(const char *arg, int *port)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || n < 1 || n > 65535)
		return -1;
	*port = (int)n;
	return 0;
}

static int take_common(struct common_options *c, int key, const char *arg)
{
	switch (key) {
	case COMMON_ROOT: c->root = arg; return 0;
	case COMMON_KERNEL_ENV: c->kernel_env = arg; return 0;
	case COMMON_BUILD_DIR: c->build_dir = arg; return 0;
	case COMMON_ACCEL: c->accel = arg; return 0;
	case COMMON_BOOT: c->boot = arg; return 0;
	case COMMON_QEMU_ARG: return add_qemu_arg(c, arg);
	case COMMON_GDB: return take_port(arg, &c->gdb_port);
	case COMMON_PRINT_COMMAND: c->print_command = true; return 0;
	}
	return -1;
}

static void take_own(const struct opt *o, const char *arg)
{
	switch (o->type) {
	case OPT_STRING: *(const char **)o->value = arg; break;
	case OPT_INT: *(int *)o->value = atoi(arg); break;
	case OPT_DOUBLE: *(double *)o->value = atof(arg); break;
	case OPT_FLAG: *(bool *)o->value = true; break;
	}
}

/* getopt_long's table: the common options, then the program's. */
static struct option *longopts_for(const struct opt *opts)
{
	int n = 0;
	struct option *all;

	while (opts && opts[n].name)
		n++;
	all = calloc(NCOMMON + n + 1, sizeof(*all));
	if (!all)
		return NULL;
	for (int i = 0; i < NCOMMON; i++)
		all[i] = common_longopts[i];
	for (int i = 0; i < n; i++)
		all[NCOMMON + i] = (struct option){
			opts[i].name,
			opts[i].type == OPT_FLAG ? no_argument :
						   required_argument,
			NULL, OWN_FIRST + i,
		};
	return all;
}

int parse_options(int argc, char **argv, struct common_options *common,
		  const struct opt *opts, void (*usage)(const char *prog))
{
	struct option *longopts = longopts_for(opts);
	int c, err = 0;

	if (!longopts)
		return -1;
	while (!err && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h' || c == COMMON_HELP) {
			usage(argv[0]);
			exit(0);
		}
		if (c >= OWN_FIRST)
			take_own(&opts[c - OWN_FIRST], optarg);
		else if (c >= COMMON_ROOT)
			err = take_common(common, c, optarg);
		else
			err = -1;
	}
	free(longopts);
	if (err)
		usage(argv[0]);
	return err;
}

double timeout_scale(void)
{
	const char *scale = getenv("MYBRD_TIMEOUT_SCALE");
	double k = scale ? atof(scale) : 1.0;

	return k > 0 ? k : 1.0;
}
