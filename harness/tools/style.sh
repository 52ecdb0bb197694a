#!/usr/bin/env bash
# Runs the kernel's checkpatch.pl --strict over every solution and says, file
# by file, whether it is clean. checkpatch.pl comes from Debian's
# linux-source-6.1 (the smallest Debian package that ships it, 140 MB; the
# headers packages do not): /usr/src/linux-source-6.1.tar.xz if installed,
# else the package downloaded once with apt-get download (no root needed).
# Only checkpatch.pl and its data files are kept, in .cache/checkpatch/.
# Exit status 1 if any file has an error, a warning or a check.
set -uo pipefail

usage() {
	cat <<'EOF'
usage: harness/tools/style.sh [FILE...]

Runs checkpatch.pl --strict --no-tree -f on each FILE (default: every .c
and .h under solutions/) and prints, per file, "clean" or checkpatch's
report. Exits 1 if any file is not clean, 2 if checkpatch.pl cannot be had.
checkpatch.pl is taken from /usr/src/linux-source-6.1.tar.xz (Debian's
linux-source-6.1) or, when that is not installed, from the package fetched
once with apt-get download (140 MB); it is kept in .cache/checkpatch/.
EOF
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" style 2
SRC_PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
CP_DIR=$ROOT/.cache/checkpatch
CHECKPATCH=$CP_DIR/scripts/checkpatch.pl

parse_options ARGS "$@"

# Without the tarball: apt-get download (no root needed, nothing installed),
# the tarball taken out of the .deb, the .deb deleted.
download_source() {
	local tmp=$1 size
	size=$(apt-cache show --no-all-versions "$SRC_PKG" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1)
	[[ -n $size ]] || die "apt-cache knows no $SRC_PKG; run 'apt-get update' as root (or install $SRC_PKG), then try again."
	say "no $TARBALL: downloading $SRC_PKG ($((size / 1000000)) MB, once) for scripts/checkpatch.pl; only checkpatch.pl and its two data files are kept"
	apt_download "$tmp" "$SRC_PKG"
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xf - -C "$tmp" ".$TARBALL" || return 1
	rm -f "$tmp"/*.deb
	[[ -f $tmp$TARBALL ]]
}

# checkpatch.pl reads spelling.txt and const_structs.checkpatch beside it.
provide_checkpatch() {
	local tmp tarball=$TARBALL
	[[ -f $CHECKPATCH ]] && return 0
	command -v perl >/dev/null || die "perl is needed to run checkpatch.pl (apt-get install perl)."
	mkdir -p "$ROOT/.cache"
	tmp=$(mktemp -d "$ROOT/.cache/.checkpatch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if [[ ! -f $tarball ]]; then
		download_source "$tmp" || die "could not unpack $TARBALL from $SRC_PKG; install it (apt-get install $SRC_PKG) and run again."
		tarball=$tmp$TARBALL
	fi
	echo "style: unpacking scripts/checkpatch.pl from $SRC_PKG into .cache/checkpatch/ (once)"
	mkdir -p "$tmp/out"
	tar -xJf "$tarball" -C "$tmp/out" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch ||
		die "could not unpack checkpatch.pl from $tarball."
	rm -rf "$CP_DIR"
	mv "$tmp/out" "$CP_DIR"
	rm -rf "$tmp"
	trap - EXIT
}

main() {
	local -a files=("${ARGS[@]}")
	local f out bad=0 n=0
	cd "$ROOT" || exit 2
	if ((${#files[@]} == 0)); then
		for f in solutions/*/*.c solutions/*/*.h; do
			[[ -f $f ]] && files+=("$f")
		done
	fi
	((${#files[@]})) || die "no solutions to check (no solutions/*/*.c)."
	provide_checkpatch
	for f in "${files[@]}"; do
		n=$((n + 1))
		# It exits 1 on any error, warning or (with --strict) check.
		if out=$(perl "$CHECKPATCH" --strict --no-tree --show-types \
			--color=never -f "$f" 2>&1); then
			echo "style: $f: clean ($(sed -n 's/^total: //p' <<<"$out"))"
		else
			bad=$((bad + 1))
			echo "style: $f: NOT clean:"
			# Up to the totals: the NOTEs after them are boilerplate.
			sed -n -e '/^$/d' -e 's/^/    /' -e '1,/^    total: /p' <<<"$out"
		fi
	done
	if ((bad)); then
		echo "style: $bad of $n files are not checkpatch --strict clean"
		return 1
	fi
	echo "style: all $n files are checkpatch --strict clean"
}

main
