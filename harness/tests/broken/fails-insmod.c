// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: init fails, so insmod does. */
#include <linux/module.h>

static int __init broken_init(void)
{
	return -ENODEV;
}
module_init(broken_init);
MODULE_LICENSE("GPL");
