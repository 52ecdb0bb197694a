# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: page_crossing_io,unwritten_sectors_read_zero
# why: a read of a sector never written leaves the buffer as it was
# says: sectors never written read as old data, not zeros
s/^\(\t*\)memzero_page(page, off, chunk);/\1(void)off;/
