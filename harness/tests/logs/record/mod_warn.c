#include <linux/module.h>
#include <linux/bug.h>
MODULE_LICENSE("GPL");
static noinline void mybrd_check(int v)
{
	WARN_ON(v);
}
static int __init mod_warn_init(void)
{
	mybrd_check(1);
	return 0;
}
static void __exit mod_warn_exit(void) { }
module_init(mod_warn_init);
module_exit(mod_warn_exit);
