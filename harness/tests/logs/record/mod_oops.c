#include <linux/module.h>
MODULE_LICENSE("GPL");
struct mybrd_dev { int pad[4]; int count; };
static struct mybrd_dev *mybrd_devp;
static noinline int mybrd_alloc(void)
{
	mybrd_devp->count = 42;	/* NULL dereference */
	return 0;
}
static int __init mod_oops_init(void)
{
	return mybrd_alloc();
}
module_init(mod_oops_init);
