# lab: lab01-register
# from: solutions/lab01-register/mybrd.c
# debug: yes
# fails: init_error_paths
# why: init's error path after a failed disk returns without unregister_blkdev()
# says: failed (good) but left major behind
/^out_unregister:$/{n;d}
