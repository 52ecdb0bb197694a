/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of the programs that boot the VM (every lab's checker,
 * harness/tools/bench.c): one parser. The options that say where things are
 * and how QEMU runs are common; each program adds its own as a table.
 */
#ifndef MYBRD_OPTIONS_H
#define MYBRD_OPTIONS_H

#include <stdbool.h>

/* What every VM-booting program takes. */
struct common_options {
	const char *root;	/* the repository */
	const char *kernel_env;	/* .cache/kernel-<series>.env */
	const char *build_dir;
	const char *accel;	/* auto, tcg or kvm */
	const char *boot;	/* "vmlinux" (PVH, fast) or "vmlinuz" (fallback) */
	const char **qemu_args;	/* --qemu-arg, in order; NULL-terminated */
	int nqemu_args;
	int gdb_port;		/* --gdb PORT: QEMU waits for gdb; 0: none */
	bool print_command;	/* print QEMU's command line, do not run it */
};

enum opt_type { OPT_STRING, OPT_INT, OPT_DOUBLE, OPT_FLAG };

/* One option of a program's own: --name stores into *value. */
struct opt {
	const char *name;
	enum opt_type type;
	void *value;		/* const char **, int *, double * or bool * */
};

/* The usage lines of the common options, for a program's --help. */
#define COMMON_OPTIONS_USAGE \
	"       [--root DIR] [--build-dir DIR] [--accel auto|tcg|kvm]\n" \
	"       [--boot vmlinux|vmlinuz] [--qemu-arg ARG]... [--gdb PORT]\n" \
	"       [--print-command]\n"

#define COMMON_OPTIONS_HELP \
	"--qemu-arg adds ARG to QEMU's command line (repeat it for more);\n" \
	"--gdb PORT starts QEMU stopped, its gdb stub on 127.0.0.1:PORT,\n" \
	"the kernel without KASLR; --print-command prints the QEMU command\n" \
	"line that would run (after building what it needs), and exits.\n"

/*
 * Parses argv into *common (whose defaults the caller sets) and the
 * program's own options (opts ends with { NULL }). --help prints usage
 * and exits 0; a bad option prints usage and returns -1.
 */
int parse_options(int argc, char **argv, struct common_options *common,
		  const struct opt *opts, void (*usage)(const char *prog));

/* MYBRD_TIMEOUT_SCALE: what the time limits are multiplied by (1 unset). */
double timeout_scale(void);

#endif
