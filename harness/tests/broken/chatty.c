// SPDX-License-Identifier: GPL-2.0
/*
 * Works, but talks: init leaves a debug line in a loop, 100,000 lines. The
 * tests pass; the checker notes once what the printing cost.
 */
#include <linux/module.h>
#include <linux/sched.h>

static int __init chatty_init(void)
{
	int i;

	for (i = 0; i < 100000; i++) {
		pr_info("chatty_init: line %d\n", i);
		cond_resched();
	}
	return 0;
}

static void __exit chatty_exit(void)
{
}

module_init(chatty_init);
module_exit(chatty_exit);
MODULE_LICENSE("GPL");
