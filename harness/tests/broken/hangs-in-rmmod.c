// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose: registers mybrd's major, then exit never returns. */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/module.h>

static int major;

static int __init broken_init(void)
{
	major = register_blkdev(0, "mybrd");
	return major < 0 ? major : 0;
}

static void __exit broken_exit(void)
{
	for (;;)
		msleep(1000);
}
module_init(broken_init);
module_exit(broken_exit);
MODULE_LICENSE("GPL");
