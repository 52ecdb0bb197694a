# lab: lab04-mq
# from: solutions/lab04-mq/mybrd.c
# debug: yes
# fails: no_leaks_after_rmmod
# why: exit forgets kfree() of the per-queue array
# says: found memory (kmalloc, vmalloc) still allocated after rmmod in mybrd_alloc_queues()
/^static void __exit mybrd_exit/,/^}/{/^\tkfree(mybrd.queues);$/d}
