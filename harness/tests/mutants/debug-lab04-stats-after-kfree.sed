# lab: lab04-mq
# from: solutions/lab04-mq/mybrd.c
# debug: yes
# fails: one_queue_per_cpu_by_default
# why: exit logs a queue's count from the array it has just freed (KASAN)
# says: KASAN found a use-after-free in mybrd.c
/^static void __exit mybrd_exit/,/^}/s/^\tkfree(mybrd.queues);$/&\n\tpr_info("queue 0 took %ld requests\\n",\n\t\tatomic_long_read(\&mybrd.queues[0].dispatched));/
