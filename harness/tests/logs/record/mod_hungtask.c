#include <linux/module.h>
#include <linux/completion.h>
MODULE_LICENSE("GPL");
static DECLARE_COMPLETION(mybrd_done);
static noinline void mybrd_wait_io(void)
{
	wait_for_completion(&mybrd_done);	/* nobody completes it */
}
static int __init mod_hungtask_init(void)
{
	mybrd_wait_io();
	return 0;
}
module_init(mod_hungtask_init);
