# shellcheck shell=dash
# The disk as the block layer shows it in /sys/block/mybrd: its I/O counters.

# disk_stat FIELD: field FIELD of /sys/block/mybrd/stat (1 reads, 3 sectors
# read, 5 writes, 7 sectors written, 9 in flight: the kernel's
# Documentation/block/stat.rst).
disk_stat() {
	awk -v f="$1" '{ print $f }' /sys/block/mybrd/stat
}

# writes_after BEFORE: waits until the disk's count of ended writes
# (disk_stat 5, lab 02's accounting) is no longer BEFORE, 10 s at most in
# steps of 0.1 s; status 0 once it moved, 1 if it did not. The kernel's
# Dirty and Writeback counts cannot tell: they lag behind on a 2-CPU VM.
writes_after() {
	local n=0
	while [ "$(disk_stat 5)" = "$1" ]; do
		[ $n -lt 100 ] || return 1
		sleep 0.1
		n=$((n + 1))
	done
}
