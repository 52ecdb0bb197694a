/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A booted VM saved where its guest waits for the module (@@WANT-MODULE),
 * so that later checks resume it instead of booting: QEMU's migration
 * stream, and the boot's three logs up to that point (the chardevs are not
 * in the stream; a resumed VM appends to copies of them). A snapshot is
 * keyed by everything the saved state depends on: QEMU's command line but
 * for its log paths, the kernel file, the initramfs's contents, QEMU's
 * version and files. A state that could not be resumed is removed and
 * saved anew once; after a second failure its checks boot as before.
 */
#ifndef MYBRD_SNAPSHOT_H
#define MYBRD_SNAPSHOT_H

#include "vm.h"

#include <stdbool.h>

/* The boot's log files, as vm_config names them. */
struct snapshot_logs {
	const char *console, *proto, *kmsg;
};

struct snapshot {
	char key[17];		/* 16 hex digits */
	char dir[4096];		/* <root>/KEY: vmstate and the logs */
	char state[4200];	/* dir/vmstate */
	char failed[4200];	/* <root>/KEY.failed: why it could not resume */
	bool exists;		/* saved, complete */
	bool unusable;		/* resuming it failed twice on this host */
};

/*
 * The snapshot for a boot of vc (its initrd already built) under root
 * (.cache/snapshots). 0, or -errno if its key cannot be computed.
 */
int snapshot_find(const char *root, const struct vm_config *vc,
		  struct snapshot *s);

/*
 * Saves the running VM through its QMP socket, with copies of the logs as
 * they are once it stopped, then lets it run on. 0, or -errno after
 * writing why into why (the VM runs on either way).
 */
int snapshot_save(const struct snapshot *s, const char *qmp_socket,
		  const struct snapshot_logs *logs, char *why, size_t size);

/*
 * Waits until the resumed VM runs (QEMU takes input for the guest's
 * devices before that, and the saved state overwrites it): 0, or -errno
 * after writing why into why.
 */
int snapshot_wait_resumed(const char *qmp_socket, double timeout_s,
			  char *why, size_t size);

/* Copies the saved logs to logs, for the resumed VM to append to. */
int snapshot_prefill(const struct snapshot *s,
		     const struct snapshot_logs *logs);

/*
 * Resuming failed: removes the state and notes why (in s->failed). True
 * if it failed often enough not to be saved again.
 */
bool snapshot_discard(struct snapshot *s, const char *why);

#endif
