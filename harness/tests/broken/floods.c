// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: init prints a debug line in a loop that never ends. */
#include <linux/module.h>
#include <linux/sched.h>

static int __init broken_init(void)
{
	unsigned long i;

	for (i = 0;; i++) {
		pr_info("broken_init: line %lu\n", i);
		cond_resched();
	}
	return 0;
}
module_init(broken_init);
MODULE_LICENSE("GPL");
