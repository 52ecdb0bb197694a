// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: loads, but with a WARNING. */
#include <linux/module.h>

static int __init broken_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit broken_exit(void)
{
}
module_init(broken_init);
module_exit(broken_exit);
MODULE_LICENSE("GPL");
