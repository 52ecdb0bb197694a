#include <linux/module.h>
#include <linux/delay.h>
MODULE_LICENSE("GPL");
static int __init mod_hang_init(void)
{
	pr_info("mybrd: waiting forever\n");
	for (;;)
		msleep(100);
	return 0;
}
module_init(mod_hang_init);
