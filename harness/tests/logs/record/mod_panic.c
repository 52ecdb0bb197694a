#include <linux/module.h>
#include <linux/panic.h>
MODULE_LICENSE("GPL");
static int __init mod_panic_init(void)
{
	panic("mybrd test panic");
	return 0;
}
module_init(mod_panic_init);
