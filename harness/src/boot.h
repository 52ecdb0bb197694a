/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One boot of a suite: its files, QEMU started on them, the module fed on
 * ttyS2 while the guest waits for it, and the time limits (boot, each test,
 * power-off) under which a watchdog kills a VM that hangs. The kernel's log
 * comes on a virtio port; the VM is stopped only once what the checker
 * needs of it has arrived (a stall's dump, the last test's end).
 */
#ifndef MYBRD_BOOT_H
#define MYBRD_BOOT_H

#include "snapshot.h"
#include "suite.h"
#include "vm.h"

#include <stdbool.h>
#include <stddef.h>

/* One boot's files, numbered so every boot of a run stays on record. */
struct boot {
	char console[4096];
	char kmsg[4096];	/* the kernel's whole log; "" in the console */
	char proto[4096];
	char initrd[4096];
	char append[256];
	char feed[108];		/* unix socket: its path must be short */
	char qmp[108];		/* QEMU's monitor, to save the VM through */
	char qemu_log[4096];	/* QEMU's own messages while resuming */
	int first;		/* the test the guest starts with */
	const char *index;	/* the tests to run, sent with the module */
	size_t index_len;
	/* The saved VM of this boot's command line; NULL: none is kept. */
	struct snapshot *snap;
	bool resume;		/* resume snap; otherwise boot and save it */
};

/* What the watchdog saw of one boot. */
struct watch {
	bool killed;		/* by the watchdog: something hung */
	bool ready;
	double ready_at;	/* seconds after start */
	double *test_seconds;	/* per test, from its begin to its end */
	bool resume_failed;	/* the saved VM did not come back to life */
	bool save_failed;	/* the VM could not be saved */
	char why[512];		/* why resuming or saving failed, or "" */
};

/* Boot n's files; the guest starts with test first (b->index is kept). */
void boot_paths(const struct suite_config *cfg, int n, int first,
		struct boot *b);

/* The files of the console's boot: a shell instead of the tests. */
void boot_console_paths(const struct suite_config *cfg, struct boot *b);

struct vm_config vm_config_for(const struct suite_config *cfg,
			       const struct boot *b);

/*
 * Runs one boot to its end, killing QEMU if a test or the boot hangs.
 * -ECANCELED: the module's build failed, so the boot was pointless.
 */
int watch_boot(const struct suite_config *cfg, const struct boot *b,
	       int ntests, struct watch *w);

#endif
