# lab: lab04-mq
# from: solutions/lab04-mq/mybrd.c
# fails: core_data
# why: every sector is stored at the start of its page (the offset ignored)
s/return (sector \& (PAGE_SECTORS - 1)) << SECTOR_SHIFT;/return 0;/
