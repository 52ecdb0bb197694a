# lab: lab03-request
# from: solutions/lab03-request/mybrd.c
# fails: whole_disk_checksum,core_data
# why: the sector is not advanced per segment: every segment of a request lands on the first one's sectors
# says: data lands a whole number of pages from its sector
/^\t\tsector += bvec.bv_len >> SECTOR_SHIFT;$/d
