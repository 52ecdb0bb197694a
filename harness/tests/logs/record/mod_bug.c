#include <linux/module.h>
#include <linux/bug.h>
MODULE_LICENSE("GPL");
static int __init mod_bug_init(void)
{
	BUG();
	return 0;
}
module_init(mod_bug_init);
