#!/usr/bin/env bash
# Puts in place what the labs need on a Debian 12 or 13 host: the host tools, the
# headers of a Debian kernel to build modules against, and that kernel's
# image and modules (unpacked under .cache/, never installed) for QEMU.
# Idempotent: once all is in place it only checks and says "ready".
set -euo pipefail

usage() {
	cat <<'EOF'
usage: harness/setup.sh [--kernel default|newest|SERIES] [--quiet] [--help]

Installs what the labs need on Debian 12 or 13 and writes
.cache/kernel-NAME.env (KERNEL_SERIES, KVER, KDIR, KIMG, KBOOT, KDEPS, KHOST)
for the Makefile and the VM.

  --kernel K   which Debian kernel (or $KERNEL):
                 default  the host release's own (6.1 on Debian 12, 6.12
                          on Debian 13: the one behind linux-image-amd64)
                 newest   the newest any suite of the release ships,
                          its backports included
                 SERIES   the newest kernel of that series, e.g. 6.12
  --quiet      print nothing when everything is already in place
  --help       print this text

Environment: KERNEL (same as --kernel), REFRESH=1 re-resolves the kernel
from apt instead of trusting the cached .env. Backports are read through a
private apt state under .cache/apt/: the host's apt configuration is left
alone. The kernel image is downloaded and unpacked under .cache/kernel/,
never installed: the host's /boot and bootloader are left alone.
EOF
}

# Host tools; the VM carries busybox, mkfs.ext4/e2fsck and fio along;
# make test and make shellcheck run shellcheck, and make test pgrep
# (procps: a minimal Debian has none) to prove no QEMU is left.
HOST_PKGS=(qemu-system-x86 busybox-static libcunit1-dev cpio build-essential
	kmod xz-utils zstd binutils e2fsprogs fio shellcheck procps)

# shellcheck source=tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/tools/common.sh" setup
# shellcheck source=tools/kernels.sh
. "$(dirname "${BASH_SOURCE[0]}")/tools/kernels.sh"
CACHE=$ROOT/.cache
SERIES=${KERNEL:-default}
APT_OPTS=()
ORIGIN=
BACKPORTS=
KIMG=
QUIET=
TMPDIRS=()

cleanup() {
	if ((${#TMPDIRS[@]})); then rm -rf "${TMPDIRS[@]}"; fi
	give_back
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

parse_args() {
	parse_options "--kernel=SERIES -q|--quiet:QUIET" "$@"
	check_series "$SERIES"
	ENV_FILE=$CACHE/kernel-$SERIES.env
}

# --- fast path ---------------------------------------------------------------

# Loads the cached .env into E_KVER, E_KDIR, ... (all empty when it is
# missing; a garbled one is as good as missing: it is written again).
read_env() {
	parse_kernel_env "$ENV_FILE" E_ || true
}

# True when the .env names files that all exist here and all packages are in.
all_in_place() {
	[[ -n $E_KVER && -n $E_KDIR && -n $E_KBOOT ]] || return 1
	# A tree copied to another release must resolve its kernels again.
	[[ $E_KHOST == "$HOST_CODENAME" ]] || return 1
	# A moved or copied repo must not keep using another tree's files.
	[[ $E_KIMG == "$CACHE/kernel/$E_KVER" ]] || return 1
	image_complete "$E_KIMG" && [[ -f $E_KBOOT && -f $E_KDIR/Makefile ]] || return 1
	local -a deps
	IFS=, read -r -a deps <<<"$E_KDEPS"
	[[ -z $(missing_pkgs "${HOST_PKGS[@]}" "${deps[@]}") ]]
}

image_complete() {
	[[ -f $1/vmlinuz && -f $1/config && -f $1/System.map && -f $1/modules/modules.dep ]]
}

ready() {
	[[ -n $QUIET ]] || say "ready (kernel $1)"
}

# --- apt -----------------------------------------------------------------------

# The lists are missing (fresh image), over a day old (kernel ABIs move
# on), or lack a suite the sources name (a fresh debootstrap root has only
# its release's main list, not -security's, where the newest kernel is).
lists_stale() {
	local newest f
	newest=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 -print -quit 2>/dev/null)
	[[ -z $newest ]] && return 0
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	while read -r f; do
		[[ -e $f ]] || return 0
	done < <(apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' 2>/dev/null)
	return 1
}

# Fields "Depends:" of a package's candidate, one alternative group a line.
depends_of() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
		sed -e 's/([^)]*)//g' -e 's/:any//g' -e 's/^ *//' -e 's/ *$//' -e 's/  */ /g'
}

# Sets TMP to a new scratch dir under .cache (same file system as the
# results, so they move in by rename); removed on exit.
new_tmpdir() {
	mkdir -p "$CACHE"
	TMP=$(mktemp -d "$CACHE/.tmp.XXXXXX")
	TMPDIRS+=("$TMP")
}

# --- kernel ----------------------------------------------------------------------

# Brings the host's lists up to date when they are missing or over a day
# old (kernel ABIs move on); stale ones only when we can be root.
refresh_host_lists() {
	lists_stale || return 0
	if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null) ]]; then
		apt_update
	elif [[ $(id -u) == 0 ]] || sudo -n true 2>/dev/null; then
		apt_update
	fi
}

# The kernel behind the host's linux-image-amd64: the release's own.
release_kernel() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends:/ { print $2 }' | grep -E '^linux-image-[0-9].*-amd64$' |
		sed 's/^linux-image-//' | head -n 1 || true
}

# Sets BACKPORTS (the backports' KVERs, one a line) when they can be read.
read_backports() {
	BACKPORTS=
	if backports_lists; then
		BACKPORTS=$(kernels_in_apt "${BACKPORTS_OPTS[@]}")
	else
		say "could not read $HOST_CODENAME-backports (see .cache/apt.log); using the host's suites only"
	fi
}

# The newest of the KVERs in $1 (one a line) that SERIES asks for.
pick_kernel() {
	if [[ $SERIES == newest ]]; then
		newest_of <<<"$1"
	else
		of_series "$SERIES" <<<"$1" | newest_of
	fi
}

# Sets KVER, and ORIGIN and APT_OPTS when it comes from the backports.
# The default needs only the release's meta package; a series or newest
# looks at every kernel of the host's suites and of the backports.
resolve_kver() {
	local host='' kver='' try bp
	refresh_host_lists
	for try in 1 2; do
		if [[ $SERIES == default ]]; then
			kver=$(release_kernel)
		else
			host=$(host_kernels)
			kver=$(pick_kernel "$host")
		fi
		[[ -z $kver && $try == 1 && -z $APT_UPDATED ]] || break
		apt_update
	done
	if [[ $SERIES == default ]]; then
		[[ -n $kver ]] ||
			die "apt-cache found no kernel behind linux-image-amd64; check /etc/apt/sources.list lists $HOST_RELEASE ($HOST_CODENAME and $HOST_CODENAME-security, main)."
	else
		[[ -n $host ]] ||
			die "apt knows no Debian kernel; check /etc/apt/sources.list lists $HOST_RELEASE ($HOST_CODENAME and $HOST_CODENAME-security, main)."
		read_backports
		bp=$(pick_kernel "$BACKPORTS")
		if [[ -n $bp ]] && { [[ -z $kver ]] || is_newer "$bp" "$kver"; }; then
			kver=$bp ORIGIN=$HOST_CODENAME-backports
			APT_OPTS=("${BACKPORTS_OPTS[@]}")
		fi
		[[ -n $kver ]] || no_such_series "$host"
	fi
	KVER=$kver
	REAL_SERIES=$(series_of "$KVER")
	local from="the release's own suites"
	[[ -n $ORIGIN ]] && from=$ORIGIN
	say "$HOST_RELEASE: kernel $SERIES is $KVER (from $from)"
}

# Stops unless the host's apt has every package in "$@" (the headers of a
# later release's backports want that release's compiler).
check_host_has() {
	local pkg cand
	for pkg; do
		cand=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		[[ -n $cand && $cand != "(none)" ]] && continue
		die "linux-headers-$KVER (from ${ORIGIN:-$HOST_CODENAME}) needs $pkg, which $HOST_RELEASE does not have, so no module can be built for it here; use KERNEL=default or a series that $HOST_RELEASE ships."
	done
}

# Stops: SERIES is in none of the release's suites; names those it has.
no_such_series() {
	local have
	have=$( { echo "$1"; echo "$BACKPORTS"; } | while read -r k; do [[ -n $k ]] && series_of "$k"; done |
		sort -u -V | paste -sd, | sed 's/,/, /g')
	die "$HOST_RELEASE ships no kernel $SERIES (its suites and $HOST_CODENAME-backports have ${have:-none}); use KERNEL=default, newest or one of those series. Another Debian release's kernel needs that release's compiler and C library: run the labs on that release (make test-debian12 and test-debian13 show how)."
}

# Plans the headers: sets HDR_MODE (apt: install the package; extract: its
# dependencies would install the kernel image on the host, so unpack the
# header packages under .cache instead), HDR_DEBS (to unpack) and KDEPS
# (packages the headers need installed on the host).
plan_headers() {
	local top=linux-headers-$KVER group first
	local -a queue=("$top") seen=()
	HDR_MODE=apt HDR_DEBS=() KDEPS=()
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$top" >/dev/null 2>&1 || apt_update
	# Backports' headers cannot come from the host's apt: unpack them too.
	[[ -n $ORIGIN ]] && HDR_MODE=extract
	while read -r group; do
		[[ $group == *linux-image-* ]] && HDR_MODE=extract
	done < <(depends_of "$top")
	if [[ $HDR_MODE == apt ]]; then
		KDEPS=("$top")
		return 0
	fi
	while ((${#queue[@]})); do
		local pkg=${queue[0]}
		queue=("${queue[@]:1}")
		[[ " ${seen[*]:-} " == *" $pkg "* ]] && continue
		seen+=("$pkg")
		HDR_DEBS+=("$pkg")
		while read -r group; do
			[[ -z $group || $group == *linux-image-* ]] && continue
			first=${group%% *}
			case $first in
			linux-headers-* | linux-kbuild-* | linux-base-[0-9]*) queue+=("$first") ;;
			linux-base) ;; # only the image's maintainer scripts use it
			*) [[ " ${KDEPS[*]:-} " == *" $first "* ]] || KDEPS+=("$first") ;;
			esac
		done < <(depends_of "$pkg")
	done
	[[ -n ${HDR_DEBS[*]} ]] || apt_die "linux-headers-$KVER"
}

# Unpacks the header packages into $KIMG/headers as a small root tree.
extract_headers() {
	local tmp root deb mk
	say "unpacking linux-headers-$KVER into .cache/kernel/$KVER/headers (its package would install the kernel on the host)"
	new_tmpdir
	tmp=$TMP
	apt_download "$tmp" "${HDR_DEBS[@]}"
	root=$tmp/root
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	# Debian's arch Makefile includes the common tree by absolute path;
	# point it at the sibling directory next to itself instead.
	mk=$root/usr/src/linux-headers-$KVER/Makefile
	[[ -f $mk ]] || die "linux-headers-$KVER has no Makefile; report this, the package layout changed."
	# Since 7.x it also sets KBUILD_OUTPUT to its own /usr/src path (":="
	# so that it is this Makefile's path, not the one including it later).
	# shellcheck disable=SC2016 # $(...) is make syntax, written as is
	sed -i -e 's|^include /usr/src/|include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../|' \
		-e 's|^KBUILD_OUTPUT=/usr/src/.*|KBUILD_OUTPUT:=$(dir $(realpath $(lastword $(MAKEFILE_LIST))))|' "$mk"
	# lib/modules/*/build links to /usr/src; usr/share has only docs.
	rm -rf "${root:?}/lib" "${root:?}/usr/share"
	mkdir -p "$KIMG"
	rm -rf "$KIMG/headers"
	mv "$root" "$KIMG/headers"
	rm -rf "$tmp"
}

provide_headers() {
	if [[ $HDR_MODE == extract ]]; then
		KDIR=$KIMG/headers/usr/src/linux-headers-$KVER
		[[ -f $KDIR/Makefile ]] || extract_headers
	else
		KDIR=/usr/src/linux-headers-$KVER
	fi
	[[ -f $KDIR/Makefile ]] ||
		die "$KDIR/Makefile is missing after installing linux-headers-$KVER; reinstall it with 'apt-get install --reinstall linux-headers-$KVER'."
}

# linux-image-KVER and the packages of the same kernel it depends on: since
# 7.x it is empty and linux-base-, linux-binary- and linux-modules-KVER
# carry config and System.map, vmlinuz, and the modules.
image_packages() {
	local group
	echo "linux-image-$KVER"
	while read -r group; do
		group=${group%% *}
		[[ $group == linux-*-"$KVER" ]] && echo "$group"
	done < <(depends_of "linux-image-$KVER")
}

# Where an unpacked kernel package tree $1 keeps file $2 (vmlinuz, config,
# System.map): boot/F-KVER up to 6.12, usr/lib/modules/KVER/F since.
kernel_file() {
	local f
	for f in "$1/boot/$2-$KVER" "$1/usr/lib/modules/$KVER/$2" "$1/lib/modules/$KVER/$2"; do
		[[ -f $f ]] && { echo "$f"; return 0; }
	done
	die "linux-image-$KVER has no $2 (looked in boot/ and usr/lib/modules/$KVER/); run with REFRESH=1, or report this."
}

# Downloads linux-image-$KVER and unpacks vmlinuz, config, System.map and the
# module tree (with depmod's indexes, made by the package's postinst
# otherwise) into $KIMG; nothing goes near /boot.
provide_image() {
	image_complete "$KIMG" && return 0
	local tmp root f deb
	local -a pkgs
	mapfile -t pkgs < <(image_packages)
	say "unpacking ${pkgs[*]} into .cache/kernel/$KVER (not installing it)"
	new_tmpdir
	tmp=$TMP
	apt_download "$tmp" "${pkgs[@]}"
	root=$tmp/root
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	mkdir -p "$tmp/out"
	for f in vmlinuz config System.map; do
		mv "$(kernel_file "$root" "$f")" "$tmp/out/$f"
	done
	# Debian 13's packages ship modules under usr/lib (merged /usr);
	# depmod -b looks under lib/.
	if [[ ! -d $root/lib/modules/$KVER && -d $root/usr/lib/modules/$KVER ]]; then
		mkdir -p "$root/lib/modules"
		mv "$root/usr/lib/modules/$KVER" "$root/lib/modules/"
	fi
	[[ -d $root/lib/modules/$KVER/kernel ]] || die "linux-image-$KVER has no lib/modules/$KVER/kernel; run with REFRESH=1, or report this."
	depmod -b "$root" "$KVER"
	mkdir -p "$KIMG"
	rm -rf "$KIMG/modules" "$KIMG/vmlinuz" "$KIMG/config" "$KIMG/System.map"
	mv "$root/lib/modules/$KVER" "$KIMG/modules"
	mv "$tmp/out/config" "$tmp/out/System.map" "$KIMG/"
	mv "$tmp/out/vmlinuz" "$KIMG/vmlinuz" # last: marks it complete
	rm -rf "$tmp"
}

# True when ELF file $1 carries XEN_ELFNOTE_PHYS32_ENTRY (type 0x12), the
# PVH entry point QEMU needs to boot an uncompressed vmlinux directly.
has_pvh_note() {
	local notes
	notes=$(readelf -n "$1" 2>/dev/null) || return 1
	grep -qE '^ *Xen .*(\(0x0+12\)|PHYS32_ENTRY)' <<<"$notes"
}

# Decompresses the kernel payload of $1 into $2: tries each format's magic.
unpack_payload() {
	local in=$1 out=$2 magic tool off
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08\x00:gzip'; do
		tool=${magic##*:}
		off=$(LC_ALL=C grep -obUaP -m 1 "${magic%:*}" "$in" 2>/dev/null | head -n 1 | cut -d: -f1 || true)
		[[ -n $off ]] || continue
		command -v "$tool" >/dev/null || continue
		# Data follows the stream, so the tool fails: judge the output.
		tail -c "+$((off + 1))" "$in" | "$tool" -dc >"$out" 2>/dev/null || true
		[[ $(head -c 4 "$out" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]] && return 0
	done
	return 1
}

# Keeps an uncompressed, PVH-bootable vmlinux when one can be had: QEMU then
# skips the in-guest decompression. KBOOT falls back to vmlinuz otherwise.
provide_vmlinux() {
	KBOOT=$KIMG/vmlinuz
	if [[ -f $KIMG/vmlinux ]]; then
		KBOOT=$KIMG/vmlinux
		return 0
	fi
	local tmp
	new_tmpdir
	tmp=$TMP
	if ! unpack_payload "$KIMG/vmlinuz" "$tmp/vmlinux"; then
		say "could not recover vmlinux from vmlinuz; booting the compressed image (slower)"
	elif ! has_pvh_note "$tmp/vmlinux"; then
		say "vmlinux of $KVER has no PVH entry note; booting the compressed image (slower)"
	else
		mv "$tmp/vmlinux" "$KIMG/vmlinux"
		KBOOT=$KIMG/vmlinux
		say "recovered vmlinux from vmlinuz (PVH entry: direct boot)"
	fi
	rm -rf "$tmp"
}

# Written last and atomically: its presence means everything else is there.
write_env() {
	local tmp deps
	deps=$(IFS=,; echo "${KDEPS[*]}")
	tmp=$(mktemp "$ENV_FILE.XXXXXX")
	cat >"$tmp" <<EOF
KERNEL_SERIES=$REAL_SERIES
KVER=$KVER
KDIR=$KDIR
KIMG=$KIMG
KBOOT=$KBOOT
KDEPS=$deps
KHOST=$HOST_CODENAME
EOF
	chmod 644 "$tmp"
	mv "$tmp" "$ENV_FILE"
}

# Run as root (sudo make setup) in a user's checkout: give the files back,
# also after a failure, or the user's next run could not write to .cache.
give_back() {
	[[ $(id -u) == 0 && -d $CACHE ]] || return 0
	local owner
	owner=$(stat -c %u:%g "$ROOT")
	[[ $owner != 0:0 ]] || return 0
	find "$CACHE" -maxdepth 2 -user 0 -exec chown -h "$owner" {} + 2>/dev/null || true
	if [[ -n ${KIMG:-} && -d $KIMG ]]; then
		chown -R -h "$owner" "$KIMG"
	fi
}

main() {
	parse_args "$@"
	host_release
	read_env
	if [[ -z ${REFRESH:-} ]] && all_in_place; then
		ready "$E_KVER"
		return 0
	fi

	# Slow path; another make job may be on it too: one at a time.
	mkdir -p "$CACHE/kernel"
	exec 9>>"$CACHE/.setup.lock"
	flock 9
	read_env
	if [[ -z ${REFRESH:-} ]] && all_in_place; then
		ready "$E_KVER"
		return 0
	fi
	# Left by an interrupted run (we hold the lock); may be root's: try only.
	rm -rf "$CACHE"/.tmp.* 2>/dev/null || true

	apt_install "${HOST_PKGS[@]}"

	resolve_kver
	KIMG=$CACHE/kernel/$KVER

	plan_headers
	check_host_has "${KDEPS[@]}"
	apt_install "${KDEPS[@]}"
	provide_headers
	provide_image
	provide_vmlinux
	write_env
	ready "$KVER"
}

main "$@"
