# lab: lab03-request
# from: solutions/lab03-request/mybrd.c
# debug: yes
# fails: loads_cleanly
# why: queue_rq sleeps (msleep), inside the block layer's RCU read side
# says: found a sleep in atomic context in mybrd.c
s/^#include <linux\/module.h>$/&\n#include <linux\/delay.h>/
s/^\tblk_mq_start_request(rq);$/&\n\tmsleep(1);/
