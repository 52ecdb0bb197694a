/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM runner: starts QEMU with the guest's two serial ports captured to files
 * (ttyS0: kernel console, ttyS1: the test protocol) and a virtio serial
 * port for the kernel's log, and makes sure that the
 * QEMU process never outlives the checker: on timeout, error, Ctrl-C or the
 * checker's own death it is killed.
 */
#ifndef MYBRD_VM_H
#define MYBRD_VM_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct vm_config {
	const char *kernel;	/* vmlinux (PVH entry) or vmlinuz (bzImage) */
	const char *initrd;
	const char *append;	/* kernel command line */
	const char *accel;	/* "tcg" (default) or "kvm" (explicit opt-in) */
	const char *console_log; /* ttyS0 capture; NULL: interactive stdio */
	const char *proto_log;	/* ttyS1 capture */
	const char *feed_socket; /* ttyS2 input: a unix socket QEMU listens on */
	/*
	 * The kernel's whole log, as the guest reads it from /dev/kmsg, on
	 * the virtio serial port "mybrd.kmsg" (NULL: no such port). The
	 * serial console is slow under TCG: it only gets errors and worse.
	 */
	const char *kmsg_log;
	/* Interactive only: QEMU's stdin is this pipe's end, not ours. */
	int console_input_fd;	/* 0: our stdin */
	int memory_mb;
	int cpus;
	const char *const *extra_args; /* added to QEMU's, NULL-terminated */
	int gdb_port;		/* >0: stopped, gdb stub on 127.0.0.1:PORT */
	/*
	 * Resuming a saved VM (snapshot.c): the log files are opened for
	 * appending (they hold the saved boot's log already), the state comes
	 * from incoming, QEMU's own messages go to qemu_log.
	 */
	const char *qmp_socket;	/* -qmp unix socket QEMU listens on, or NULL */
	const char *incoming;	/* a saved state to resume, or NULL: boot */
	const char *qemu_log;	/* QEMU's stderr, or NULL: ours */
};

struct vm {
	pid_t pid;
	int status;		/* wait status once exited */
	bool exited;
};

int vm_start(const struct vm_config *cfg, struct vm *vm);

/* The command line vm_start() would run, shell-quoted, on one line. */
void vm_print_command(const struct vm_config *cfg, FILE *out);

/* Wait up to timeout_ms for QEMU to exit; true if it has. */
bool vm_wait(struct vm *vm, int timeout_ms);

/* Kill QEMU (and anything it started) and reap it. Safe to call twice. */
void vm_kill(struct vm *vm);

/* Kill any running QEMU on SIGINT, SIGTERM, SIGHUP, then die of the signal. */
void vm_install_signal_cleanup(void);

/*
 * Also run hook (async-signal-safe) before dying of such a signal: the
 * console restores the terminal. NULL removes it.
 */
void vm_on_signal(void (*hook)(void));

#endif
