// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: init never returns (it sleeps forever). */
#include <linux/delay.h>
#include <linux/module.h>

static int __init broken_init(void)
{
	for (;;)
		msleep(1000);
	return 0;
}
module_init(broken_init);
MODULE_LICENSE("GPL");
