# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: loads_cleanly
# why: every read fails (BLK_STS_IOERR): add_disk()'s partition scan fills dmesg with I/O errors
# says: no I/O error in dmesg while loading
s/^\tbio->bi_status = status;$/\tbio->bi_status = op_is_write(bio_op(bio)) ? status : BLK_STS_IOERR;/
