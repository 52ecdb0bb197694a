# lab: lab03-request
# from: solutions/lab03-request/mybrd.c
# fails: odd_sectors_512,core_data
# why: the store offset is the segment's offset in its buffer page (bv_offset), not the sector's in its store page: page-cache I/O, whole aligned pages, hides it; 512-byte O_DIRECT at an odd sector does not
s/memcpy_to_page(page, off, src + mybrd_offset(sector),/memcpy_to_page(page, off, src + (off \& ~PAGE_MASK),/
s/memcpy_from_page(dst + mybrd_offset(sector), page, off, chunk);/memcpy_from_page(dst + (off \& ~PAGE_MASK), page, off, chunk);/
