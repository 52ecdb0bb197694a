// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: panics in init. */
#include <linux/module.h>
#include <linux/panic.h>

static int __init broken_init(void)
{
	panic("mybrd self-test: panic in init");
	return 0;
}
module_init(broken_init);
MODULE_LICENSE("GPL");
