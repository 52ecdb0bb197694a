// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: dereferences NULL in init. */
#include <linux/module.h>

static int *nowhere;

static int __init broken_init(void)
{
	return *READ_ONCE(nowhere);
}
module_init(broken_init);
MODULE_LICENSE("GPL");
