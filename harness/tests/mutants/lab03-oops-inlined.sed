# lab: lab03-request
# from: solutions/lab03-request/mybrd.c
# fails: loads_cleanly
# why: a NULL dereference in mybrd_offset(), which the compiler inlines
# says: in mybrd.c:62 in mybrd_offset(), inlined into
s/return (sector \& (PAGE_SECTORS - 1)) << SECTOR_SHIFT;/return *(volatile unsigned int *)NULL + 0 * sector;/
