# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: flush_only_on_fsync
# why: every write counted as a flush, not only the bios with REQ_PREFLUSH
# says: sync writes the data but sends no flush
s/^\tif (bio->bi_opf & REQ_PREFLUSH)$/\tif (op_is_write(bio_op(bio)))/
