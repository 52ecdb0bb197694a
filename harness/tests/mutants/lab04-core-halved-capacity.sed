# lab: lab04-mq
# from: solutions/lab04-mq/mybrd.c
# fails: core_registration
# why: the capacity is half of size_mb (a wrong sector count)
s/set_capacity(disk, (sector_t)size_mb \* MYBRD_SECTORS_PER_MB);/set_capacity(disk, (sector_t)size_mb * MYBRD_SECTORS_PER_MB \/ 2);/
