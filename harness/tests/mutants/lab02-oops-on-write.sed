# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: odd_sector_io,page_crossing_io,io_at_end_of_disk
# why: every write copies to a NULL page: each test that writes oopses the same way, at another address
# says: the same oops as in odd_sector_io, above
s/memcpy_from_page(dst + mybrd_offset(sector), page, off, chunk);/memcpy_from_page((void *)(uintptr_t)mybrd_offset(sector), page, off, chunk);/
