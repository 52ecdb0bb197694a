# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: whole_disk_round_trip,odd_sector_io,page_crossing_io
# why: every sector's page is index 0: everything lands in the first page (every read returns the last write to its offset)
# says: data lands a whole number of pages from its sector
s/xa_load(&dev->pages, sector >> PAGE_SECTORS_SHIFT)/xa_load(\&dev->pages, 0)/
s/xa_cmpxchg(&dev->pages, sector >> PAGE_SECTORS_SHIFT, NULL, page,/xa_cmpxchg(\&dev->pages, 0, NULL, page,/
