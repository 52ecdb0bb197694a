# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# debug: yes
# fails: whole_disk_round_trip
# why: writes take lock a then b, reads b then a (lockdep: a possible deadlock)
# says: lockdep found two locks taken in opposite orders
s/^static void mybrd_submit_bio(struct bio \*bio)$/static DEFINE_SPINLOCK(mybrd_lock_a);\nstatic DEFINE_SPINLOCK(mybrd_lock_b);\n\n&/
s/^\tbio_end_io_acct(bio, start);$/&\n\tif (op_is_write(bio_op(bio))) {\n\t\tspin_lock(\&mybrd_lock_a);\n\t\tspin_lock(\&mybrd_lock_b);\n\t} else {\n\t\tspin_lock(\&mybrd_lock_b);\n\t\tspin_lock(\&mybrd_lock_a);\n\t}\n\tspin_unlock(\&mybrd_lock_a);\n\tspin_unlock(\&mybrd_lock_b);/
