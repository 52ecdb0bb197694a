# shellcheck shell=dash
# The disk as the block layer shows it in /sys/block/mybrd: its I/O counters.

# disk_stat FIELD: field FIELD of /sys/block/mybrd/stat (1 reads, 3 sectors
# read, 5 writes, 7 sectors written, 9 in flight: the kernel's
# Documentation/block/stat.rst).
disk_stat() {
	awk -v f="$1" '{ print $f }' /sys/block/mybrd/stat
}
