#include <linux/module.h>
#include <linux/delay.h>
#include <linux/preempt.h>
MODULE_LICENSE("GPL");
static int spin_secs = 12;
module_param(spin_secs, int, 0);
static noinline void mybrd_spin(void)
{
	int i;

	preempt_disable();
	for (i = 0; i < spin_secs * 100; i++)
		mdelay(10);
	preempt_enable();
}
static int __init mod_soft_init(void)
{
	mybrd_spin();
	return 0;
}
static void __exit mod_soft_exit(void) { }
module_init(mod_soft_init);
module_exit(mod_soft_exit);
