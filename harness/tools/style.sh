#!/usr/bin/env bash
# Runs the kernel's checkpatch.pl --strict over every solution and says, file
# by file, whether it is clean. checkpatch.pl comes from Debian's
# linux-source-6.1 package (installed with apt-get if missing), unpacked once
# into .cache/checkpatch/. Exit status 1 if any file has an error, a warning
# or a check.
set -uo pipefail

usage() {
	cat <<'EOF'
usage: harness/tools/style.sh [FILE...]

Runs checkpatch.pl --strict --no-tree -f on each FILE (default: every .c
and .h under solutions/) and prints, per file, "clean" or checkpatch's
report. Exits 1 if any file is not clean, 2 if checkpatch.pl cannot be had.
checkpatch.pl is taken from /usr/src/linux-source-6.1.tar.xz (Debian's
linux-source-6.1, installed with apt-get when missing) into .cache/checkpatch/.
EOF
}

die() {
	echo "style: $*" >&2
	exit 2
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SRC_PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
CP_DIR=$ROOT/.cache/checkpatch
CHECKPATCH=$CP_DIR/scripts/checkpatch.pl

case ${1:-} in --help | -h) usage; exit 0 ;; esac

install_source() {
	local -a cmd=(env DEBIAN_FRONTEND=noninteractive apt-get install -y
		--no-install-recommends "$SRC_PKG")
	echo "style: $TARBALL is missing: installing $SRC_PKG with apt-get (about 140 MB) for scripts/checkpatch.pl"
	if [[ $(id -u) != 0 ]]; then
		command -v sudo >/dev/null || die "installing $SRC_PKG needs root: run 'apt-get install $SRC_PKG' as root."
		cmd=(sudo "${cmd[@]}")
	fi
	"${cmd[@]}" >/dev/null || {
		echo "style: apt-get install failed; trying once more after apt-get update" >&2
		if [[ $(id -u) == 0 ]]; then apt-get update >/dev/null; else sudo apt-get update >/dev/null; fi
		"${cmd[@]}" >/dev/null
	} || die "apt-get could not install $SRC_PKG; install it by hand and run again."
}

# checkpatch.pl reads spelling.txt and const_structs.checkpatch beside it.
provide_checkpatch() {
	[[ -f $CHECKPATCH ]] && return 0
	command -v perl >/dev/null || die "perl is needed to run checkpatch.pl (apt-get install perl)."
	[[ -f $TARBALL ]] || install_source
	[[ -f $TARBALL ]] || die "$SRC_PKG installed no $TARBALL."
	echo "style: unpacking scripts/checkpatch.pl from $TARBALL into .cache/checkpatch/ (once)"
	local tmp
	mkdir -p "$ROOT/.cache"
	tmp=$(mktemp -d "$ROOT/.cache/.checkpatch.XXXXXX")
	if ! tar -xJf "$TARBALL" -C "$tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch; then
		rm -rf "$tmp"
		die "could not unpack checkpatch.pl from $TARBALL."
	fi
	rm -rf "$CP_DIR"
	mv "$tmp" "$CP_DIR"
}

main() {
	local -a files=("$@")
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

main "$@"
