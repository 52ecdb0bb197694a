#include <linux/module.h>
#include <linux/printk.h>
MODULE_LICENSE("GPL");
static noinline void mybrd_submit_bio(void)
{
	pr_info("mybrd: submit_bio called, dumping stack\n");
	dump_stack();
	pr_info("mybrd: stack dumped\n");
}
static int __init mod_clean_init(void)
{
	pr_info("mybrd: hello from clean module\n");
	mybrd_submit_bio();
	return 0;
}
static void __exit mod_clean_exit(void)
{
	pr_warn("mybrd: WARNING: this is only a pr_warn, not a WARN_ON\n");
	pr_err("Buffer I/O error on dev mybrd, logical block 0, async page read\n");
	pr_info("mybrd: bye\n");
}
module_init(mod_clean_init);
module_exit(mod_clean_exit);
