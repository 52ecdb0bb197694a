# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# debug: yes
# fails: loads_cleanly
# why: submit_bio allocates with GFP_KERNEL under a spinlock (might_sleep)
# says: found a sleep in atomic context in mybrd.c
s/^static void mybrd_submit_bio(struct bio \*bio)$/static DEFINE_SPINLOCK(mybrd_lock);\n\n&/
s/^\tbio_end_io_acct(bio, start);$/&\n\tspin_lock(\&mybrd_lock);\n\tkfree(kmalloc(64, GFP_KERNEL));\n\tspin_unlock(\&mybrd_lock);/
