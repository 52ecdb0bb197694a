// SPDX-License-Identifier: GPL-2.0
/*
 * A suite's run: boot after boot until every test ran, each boot starting
 * with the test after the one that crashed or hung the last. The jobs are
 * elsewhere: the initramfs in guest_image.c, a boot and its limits in
 * boot.c, what the tests did and why in results.c, the console in
 * console.c.
 */
#include "suite.h"
#include "boot.h"
#include "guest_image.h"
#include "results.h"
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The saved VM this suite's boots resume (snapshot.c), or NULL: none is
 * kept (the console, gdb, --no-snapshot), or its key cannot be computed.
 */
static struct snapshot *find_snapshot(const struct suite_config *cfg,
				      struct boot *b, struct snapshot *snap)
{
	struct vm_config vc;

	if (!cfg->snapshot_dir || cfg->gdb_port > 0)
		return NULL;
	vc = vm_config_for(cfg, b);
	return snapshot_find(cfg->snapshot_dir, &vc, snap) ? NULL : snap;
}

/*
 * One boot: the saved VM resumed if there is one, else a boot that saves
 * it. A VM that does not resume is discarded with one line, and booted.
 */
static int boot_once(const struct suite_config *cfg, const struct lab *lab,
		     struct boot *b, struct watch *w, struct suite_run *run)
{
	int err;

	b->resume = b->snap && b->snap->exists;
	err = watch_boot(cfg, b, lab->ntests, w);
	if (!err && w->resume_failed) {
		bool given_up = snapshot_discard(b->snap, w->why);

		printf("Could not resume the saved VM (%s): booting instead, %s (%s).\n",
		       w->why, given_up ? "and not saving it again" :
		       "and saving it anew", b->snap->failed);
		b->resume = false;
		memset(w->test_seconds, 0, lab->ntests * sizeof(double));
		*w = (struct watch){ .test_seconds = w->test_seconds };
		err = watch_boot(cfg, b, lab->ntests, w);
	}
	if (!err && w->save_failed)
		printf("Could not save the booted VM for the next checks (%s).\n",
		       w->why);
	run->nresumed += b->resume;
	return err;
}

/* Runs the boots; the remaining tests fail if the VM cannot go on. */
static int run_boots(const struct suite_config *cfg, const struct lab *lab,
		     struct suite_run *run, struct boot *b)
{
	struct snapshot snap, *saved = find_snapshot(cfg, b, &snap);
	int first = 0, err;

	while (first < lab->ntests && run->nboots <= lab->ntests) {
		double seconds[lab->ntests];
		struct watch w = { .test_seconds = seconds };
		int next, same;

		memset(seconds, 0, sizeof(seconds));
		boot_paths(cfg, run->nboots, first, b);
		/* After a crash too: the module comes on ttyS2. */
		b->snap = saved;
		err = boot_once(cfg, lab, b, &w, run);
		if (err == -ECANCELED) {
			run->build_failed = true;
			return 0;
		}
		if (err)
			return err;
		run->nboots++;
		next = collect(run, cfg, b, &w, first);
		run->boot_seconds += w.ready_at;
		for (int i = 0; i < lab->ntests; i++)
			run->test_seconds += seconds[i];
		if (!w.ready) {
			run->boot_failure = boot_cause(cfg,
				&run->logs[run->nboots - 1], w.killed);
			fail_remaining(run, first, run->boot_failure);
			break;
		}
		if (next <= first) {
			fail_remaining(run, first, "the VM stopped before this test began");
			break;
		}
		/* One root cause, one lesson: no boot per test to show it. */
		same = next > 0 ? same_hang_again(run, next - 1) : -1;
		if (same >= 0) {
			block_remaining(run, lab, next - 1, same);
			break;
		}
		if (next > 0)
			refer_to_same(run, lab, next - 1);
		first = next;
	}
	return 0;
}

int suite_run(const struct suite_config *cfg, const struct lab *lab,
	      struct suite_run *run)
{
	struct boot b;
	int err;

	memset(run, 0, sizeof(*run));
	run->ntests = lab->ntests;
	run->results = calloc(lab->ntests, sizeof(*run->results));
	run->logs = calloc(lab->ntests + 1, sizeof(*run->logs));
	if (!run->results || !run->logs)
		return -ENOMEM;
	boot_paths(cfg, 0, 0, &b);
	b.index = guest_index(lab, &b.index_len);
	if (!b.index)
		return -ENOMEM;
	err = suite_build_initramfs(cfg, lab, b.initrd, false);
	if (!err)
		err = run_boots(cfg, lab, run, &b);
	free((char *)b.index);
	return err;
}

int suite_print_command(const struct suite_config *cfg, const struct lab *lab,
			bool console, FILE *out)
{
	struct vm_config vc;
	struct boot b;
	int err;

	if (console)
		boot_console_paths(cfg, &b);
	else
		boot_paths(cfg, 0, 0, &b);
	b.index = NULL;
	err = suite_build_initramfs(cfg, lab, b.initrd, true);
	if (err)
		return err;
	vc = vm_config_for(cfg, &b);
	if (console)
		vc.console_log = NULL;
	vm_print_command(&vc, out);
	return 0;
}

void suite_run_free(struct suite_run *run)
{
	for (int i = 0; i < run->ntests; i++) {
		free(run->results[i].output);
		free(run->results[i].cause);
		free(run->results[i].key);
	}
	for (int i = 0; i < run->nboots; i++)
		klog_free(&run->logs[i]);
	free(run->results);
	free(run->logs);
	free(run->boot_failure);
}
