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
#include "results.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Runs the boots; the remaining tests fail if the VM cannot go on. */
static int run_boots(const struct suite_config *cfg, const struct lab *lab,
		     struct suite_run *run, struct boot *b)
{
	int first = 0, err;

	while (first < lab->ntests && run->nboots <= lab->ntests) {
		double seconds[lab->ntests];
		struct watch w = { .test_seconds = seconds };
		int next, same;

		memset(seconds, 0, sizeof(seconds));
		boot_paths(cfg, run->nboots, first, b);
		/* After a crash the module exists: it goes in the initramfs. */
		if (run->nboots > 0 && cfg->build) {
			err = suite_build_initramfs(cfg, lab, b->initrd);
			if (err)
				return err;
		}
		err = watch_boot(cfg, b, lab->ntests, &w);
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
	err = suite_build_initramfs(cfg, lab, b.initrd);
	if (err)
		return err;
	return run_boots(cfg, lab, run, &b);
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
	err = suite_build_initramfs(cfg, lab, b.initrd);
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
