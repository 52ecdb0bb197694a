# shellcheck shell=dash
# Data I/O on /dev/mybrd, checked against an expected image /tmp/exp.
#
# O_DIRECT needs a buffer aligned to 512 bytes. busybox dd mmaps buffers of
# 4 KiB and more, mallocs smaller ones, and when O_DIRECT then fails with
# EINVAL, silently retries without it. So small direct I/O here is bs=4096
# count=N iflag=count_bytes: one N-byte read or write through a page-aligned
# buffer.

# same KEY EXPECTED GOT [BASE]: KEY=yes if the files are equal, else
# where they first differ (BASE: the byte of the disk where GOT starts, to
# name the sector) and where the data read in that sector belongs
# (same_origin).
same() {
	local key=$1 want=$2 got=$3 base=${4:-0} at
	if cmp -s "$want" "$got"; then
		fact "$key" yes
		return
	fi
	# shellcheck disable=SC2046 # cmp -l's fields: offset, expected, got
	set -- $(cmp -l "$want" "$got" 2>/dev/null | head -n 1)
	if [ -z "$1" ]; then
		fact "$key" "no: the lengths differ"
		return
	fi
	at=$((base + $1 - 1))
	fact "$key" "no: byte $at (sector $((at / 512))) reads $(printf %02x "0$3"), expected $(printf %02x "0$2")"
	same_origin "$key" "$want" "$got" $((($1 - 1) / 512)) "$base"
}

# same_origin KEY EXPECTED GOT N BASE: for sector N of GOT (which starts at
# byte BASE of the disk), KEY_hole=yes if EXPECTED has zeros there (else
# no), and KEY_from: what GOT holds there: zeros, "sector T" (data rnd made
# and put or EXPECTED placed at sector T of the disk) or nowhere. The
# checker's symptom rules read them (harness/src/symptom.h).
same_origin() {
	local key=$1 want=$2 got=$3 n=$4 base=$5 tag id idx line
	head -c 512 /dev/zero > /tmp/.zero512
	dd if="$want" of=/tmp/.want512 bs=512 skip="$n" count=1 2>/dev/null
	dd if="$got" of=/tmp/.got512 bs=512 skip="$n" count=1 2>/dev/null
	if cmp -s /tmp/.want512 /tmp/.zero512; then
		fact "${key}_hole" yes
	else
		fact "${key}_hole" no
	fi
	if cmp -s /tmp/.got512 /tmp/.zero512; then
		fact "${key}_from" zeros
		return
	fi
	tag=$(head -c 18 /tmp/.got512 | tr -cd '@:0-9a-f ')
	id=${tag#@}
	id=${id%%:*}
	idx=${tag#*:}
	idx=${idx% }
	case $tag in
	@????????:???????\ ) ;;
	*)
		fact "${key}_from" nowhere
		return
		;;
	esac
	# Placed by put: "ID IDX SECTOR" in /tmp/.placed.
	line=$(grep "^$id " /tmp/.placed 2>/dev/null | sort -u)
	if [ "$(echo "$line" | wc -l)" -gt 1 ]; then
		fact "${key}_from" several
		return
	fi
	if [ -n "$line" ]; then
		# shellcheck disable=SC2086 # the line's three fields
		set -- $line
		fact "${key}_from" "sector $(($3 + 1$idx - 1$2))"
		return
	fi
	# Or in EXPECTED itself, rnd's lines being its sectors.
	line=$(grep -n -F "$tag" "$want" 2>/dev/null | head -n 1 | cut -d: -f1)
	if [ -n "$line" ] &&
		[ "$(dd if="$want" bs=512 skip=$((line - 1)) count=1 2>/dev/null | head -c 18)" = "$tag" ]; then
		fact "${key}_from" "sector $((base / 512 + line - 1))"
		return
	fi
	fact "${key}_from" nowhere
}

# rnd FILE BYTES: random data, each 512-byte sector a line that starts with
# its own tag, "@ID:IDX " (ID: 8 random hex digits for the file, IDX: the
# sector in it, 7 digits), then random hex digits: a sector read back where
# it does not belong tells where it came from (same_origin).
rnd() {
	# shellcheck disable=SC2046 # od's four 16-bit numbers: seed and ID
	set -- "$1" "$2" $(od -An -N8 -tu2 /dev/urandom)
	awk -v bytes="$2" -v a="$3" -v b="$4" -v c="$5" -v d="$6" '
	BEGIN {
		srand(a * 65536 + b)
		id = sprintf("%04x%04x", c, d)
		for (i = 0; i < 128; i++)
			pool = pool sprintf("%04x", int(rand() * 65536))
		pool = pool pool
		n = int(bytes / 512)
		for (s = 0; s < n; s++)
			printf "@%s:%07d %s\n", id, s,
			       substr(pool, int(rand() * 500) + 1, 493)
		if (bytes % 512)
			printf "%s", substr(sprintf("@%s:%07d %s", id, n, pool),
					    1, bytes % 512)
	}' > "$1"
}

# The dd block size for a transfer of N bytes: at least a page (see above).
bsz() {
	echo $(($1 < 4096 ? 4096 : $1))
}

# place_tagged SRC OFF: notes where rnd's sectors of SRC go, "ID IDX
# SECTOR" (its first tag, the disk sector OFF / 512) in /tmp/.placed, for
# same_origin.
place_tagged() {
	local tag id idx
	tag=$(head -c 18 "$1" | tr -cd '@:0-9a-f ')
	case $tag in
	@????????:???????\ ) ;;
	*) return ;;
	esac
	id=${tag#@}
	idx=${tag#*:}
	echo "${id%%:*} ${idx% } $(($2 / 512))" >> /tmp/.placed
}

# put KEY SRC OFF [direct]: writes SRC at byte OFF of /dev/mybrd (one
# write(2), O_DIRECT if asked) and of the expected image /tmp/exp.
put() {
	n=$(stat -c %s "$2")
	dd if="$2" of=/tmp/exp bs="$n" count=1 seek="$3" oflag=seek_bytes conv=notrunc 2>/dev/null
	place_tagged "$2" "$3"
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
