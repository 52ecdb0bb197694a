# shellcheck shell=dash
# Data I/O on /dev/mybrd, checked against an expected image /tmp/exp.
#
# O_DIRECT needs a buffer aligned to 512 bytes. busybox dd mmaps buffers of
# 4 KiB and more, mallocs smaller ones, and when O_DIRECT then fails with
# EINVAL, silently retries without it. So small direct I/O here is bs=4096
# count=N iflag=count_bytes: one N-byte read or write through a page-aligned
# buffer.

# same KEY EXPECTED GOT [BASE]: KEY=yes if the files are equal, else where
# they first differ (BASE: the byte of the disk where GOT starts, to name
# the sector).
same() {
	if cmp -s "$2" "$3"; then
		fact "$1" yes
		return
	fi
	b=${4:-0}
	# shellcheck disable=SC2046 # cmp -l's fields: offset, expected, got
	set -- "$1" $(cmp -l "$2" "$3" 2>/dev/null | head -n 1)
	if [ -z "$2" ]; then
		fact "$1" "no: the lengths differ"
		return
	fi
	at=$((b + $2 - 1))
	fact "$1" "no: byte $at (sector $((at / 512))) reads $(printf %02x "0$4"), expected $(printf %02x "0$3")"
}

# rnd FILE BYTES: random data.
rnd() {
	dd if=/dev/urandom of="$1" bs="$2" count=1 2>/dev/null
}

# The dd block size for a transfer of N bytes: at least a page (see above).
bsz() {
	echo $(($1 < 4096 ? 4096 : $1))
}

# put KEY SRC OFF [direct]: writes SRC at byte OFF of /dev/mybrd (one
# write(2), O_DIRECT if asked) and of the expected image /tmp/exp.
put() {
	n=$(stat -c %s "$2")
	dd if="$2" of=/tmp/exp bs="$n" count=1 seek="$3" oflag=seek_bytes conv=notrunc 2>/dev/null
	run "$1" dd if="$2" of=/dev/mybrd bs="$(bsz "$n")" count="$n" iflag=count_bytes seek="$3" oflag="seek_bytes${4:+,$4}"
}

# get KEY OFF LEN [direct]: reads LEN bytes at OFF of /dev/mybrd (one
# read(2)) and compares them with /tmp/exp: KEY_read=ok, KEY=yes.
get() {
	get_in_blocks "$1" "$2" "$3" "$(bsz "$3")" "$4"
}

# get_in_blocks KEY OFF LEN BS [direct]: get, reading BS bytes at a time
# through one buffer (with BS=4096, a hole the driver does not zero shows
# the page read before it).
get_in_blocks() {
	dd if=/tmp/exp of="/tmp/$1.exp" bs="$3" count=1 skip="$2" iflag=skip_bytes 2>/dev/null
	rm -f "/tmp/$1"
	run "$1_read" dd if=/dev/mybrd of="/tmp/$1" bs="$4" count="$3" skip="$2" iflag="skip_bytes,count_bytes${5:+,$5}"
	same "$1" "/tmp/$1.exp" "/tmp/$1" "$2"
}

# zeros PAGES: the expected image, all zeros (a fresh disk).
zeros() {
	dd if=/dev/zero of=/tmp/exp bs=4096 count="$1" 2>/dev/null
}

# The driver's page count, from its debugfs file ("none" without one).
nr_pages() {
	cat /sys/kernel/debug/mybrd/nr_pages 2>/dev/null || echo none
}

# Free memory in KiB: MemFree plus the per-CPU free lists.
free_kb() {
	awk '/^MemFree:/ { f = $2 } / count: / { p += $2 }
	     END { print f + p * 4 }' /proc/meminfo /proc/zoneinfo
}
