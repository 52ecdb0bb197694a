# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: core_data
# why: every sector is stored at the start of its page (the offset ignored)
s/return (sector \& (PAGE_SECTORS - 1)) << SECTOR_SHIFT;/return 0;/
