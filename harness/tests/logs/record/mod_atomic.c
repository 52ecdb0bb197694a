#include <linux/module.h>
#include <linux/delay.h>
#include <linux/preempt.h>
MODULE_LICENSE("GPL");
static noinline void mybrd_sleep_atomic(void)
{
	preempt_disable();
	msleep(1);
	preempt_enable();
}
static int __init mod_atomic_init(void)
{
	mybrd_sleep_atomic();
	return 0;
}
static void __exit mod_atomic_exit(void) { }
module_init(mod_atomic_init);
module_exit(mod_atomic_exit);
