# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: whole_disk_round_trip,page_crossing_io,ext4_round_trip
# why: the sector is not advanced per segment: every segment of a bio lands on the first one's sectors
# says: data lands a whole number of pages from its sector
/^\t\tsector += bvec.bv_len >> SECTOR_SHIFT;$/d
