/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test protocol the guest's /init writes to ttyS1, free of kernel noise:
 *   @@KMSG                   the kernel's log goes to the virtio port
 *                            (else only to the console)
 *   @@READY                  the guest booted and starts testing
 *   @@WANT-MODULE            it waits for the module on ttyS2
 *   @@BEGIN <index> <name>   a test starts; its output follows
 *   @@END <index> rc=<rc>    it ended with that exit status
 *   @@STALL <command>        a process of the running test has waited in
 *                            the kernel for the stall time (init.sh's
 *                            stall_watcher); its stacks are in dmesg
 *   @@DONE                   every test ran; the guest powers off
 */
#ifndef MYBRD_PROTOCOL_H
#define MYBRD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

struct proto_test {
	bool began;
	bool ended;
	bool stalled;	/* "@@STALL <command>" came while it ran */
	int rc;
	char *output;
};

struct proto {
	bool ready;
	bool kmsg;	/* the guest's reader of /dev/kmsg runs */
	bool want_module;
	bool done;
	int current;	/* index of the test begun last, -1 if none */
	int ntests;
	struct proto_test *tests;
};

/* Parses the log text of a boot; tests outside [0, ntests) are ignored. */
int proto_parse(struct proto *p, const char *text, int ntests);
void proto_free(struct proto *p);

#endif
