# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: core_data
# why: a read of a sector never written leaves the buffer as it was
# says: sectors never written read as old data, not zeros
s/^\(\t*\)memzero_page(page, off, chunk);/\1(void)off;/
