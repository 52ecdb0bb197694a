# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: partition_table_is_read
# why: I/O is checked against the partition's size, not the disk's
s/if (bio_end_sector(bio) > get_capacity(bio->bi_bdev->bd_disk))/if (bio_end_sector(bio) > bdev_nr_sectors(bio->bi_bdev))/
