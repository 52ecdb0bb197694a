/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few QMP commands the harness sends a running QEMU (saving its state
 * for the next check: snapshot.c), on the unix socket of its -qmp option.
 * Every call has a deadline: a QEMU that stops answering costs a bounded
 * wait, never a hang.
 */
#ifndef MYBRD_QMP_H
#define MYBRD_QMP_H

#include <stddef.h>

/* Connects and leaves the greeting's mode; the fd, or -errno. */
int qmp_open(const char *socket_path, double timeout_s);

/*
 * Sends one command (a JSON object) and reads up to its answer, skipping
 * events. 0 with the answer in reply, -EIO for an "error" answer (its text
 * in reply), -ETIMEDOUT or -errno otherwise.
 */
int qmp_execute(int fd, const char *command, char *reply, size_t size,
		double timeout_s);

#endif
