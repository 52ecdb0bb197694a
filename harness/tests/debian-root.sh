#!/usr/bin/env bash
# harness/tests/debian-root.sh --release 12|13 COMMAND...: runs COMMAND (for
# example "make test KERNELS='6.12 newest'") in a fresh copy of this working
# tree inside a plain Debian root of that release: what a student who
# installs that Debian and clones the labs gets. The root is made once with
# debootstrap (minbase, plus git and make, nothing else) and kept under
# .cache/roots/; the tree is copied in again on every run (its .cache/ and
# build/ stay out), and the copy's own .cache/ (kernels) is kept between
# runs. Everything inside runs in its own mount and PID namespaces: when
# COMMAND ends, or this script is stopped, its mounts and processes go too.
# Needs root (debootstrap, chroot). COMMAND's status is the script's.
set -euo pipefail
# shellcheck source=../tools/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh" debian-root 2
# shellcheck source=../tools/kernels.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/kernels.sh"

usage() {
	cat <<'EOF'
usage: harness/tests/debian-root.sh --release 12|13 COMMAND...

Runs COMMAND in /work/labs, a copy of this working tree, inside a Debian
root of that release (debootstrap, cached under .cache/roots/). Needs root.
EOF
}

RELEASE=
ARGS=()
# The options end at the first operand: the rest is the command.
while (($#)) && [[ $1 == -* ]]; do
	case $1 in
	--release) RELEASE=${2:-}; shift 2 ;;
	--release=*) RELEASE=${1#*=}; shift ;;
	--help | -h) usage; exit 0 ;;
	*) die "unknown option '$1'; see $(tool_path) --help." ;;
	esac
done
ARGS=("$@")
((${#ARGS[@]})) || die "no command given; see $(tool_path) --help."

# The codename of a supported VERSION_ID ("13" -> trixie).
codename_of() {
	local r
	for r in $SUPPORTED_RELEASES; do
		[[ ${r%%:*} == "$1" ]] && { echo "${r#*:}"; return 0; }
	done
	die "unknown release '$1'; the labs support $(supported_list)."
}

host_release
CODENAME=$(codename_of "$RELEASE")
RELEASE_NAME="Debian $RELEASE ($CODENAME)"
ROOTFS=$ROOT/.cache/roots/debian$RELEASE
STAMP=$ROOTFS/.mybrd-root
need_root "making and entering a $RELEASE_NAME root"

# The release's suites, from the host's mirror of its own release.
write_sources() {
	local site
	site=$(release_site)
	cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $site $CODENAME main
deb $site $CODENAME-updates main
deb ${site%/debian}/debian-security $CODENAME-security main
EOF
}

make_root() {
	[[ -f $STAMP ]] && return 0
	apt_install debootstrap
	say "making a $RELEASE_NAME root with debootstrap in .cache/roots/debian$RELEASE (once; about a minute)"
	as_root rm -rf "$ROOTFS"
	mkdir -p "$(dirname "$ROOTFS")"
	local started
	started=$(now)
	apt_logged debootstrap --variant=minbase --include=git,make,ca-certificates \
		"$CODENAME" "$ROOTFS" "$(release_site)" ||
		die "debootstrap of $RELEASE_NAME failed; see .cache/apt.log."
	write_sources
	say "$RELEASE_NAME root made in $(seconds_between "$started" "$(now)") s"
	touch "$STAMP"
}

# A fresh copy of the tree; the copy's .cache (its kernels) survives.
copy_tree() {
	local dest=$ROOTFS/work/labs
	mkdir -p "$dest"
	find "$dest" -mindepth 1 -maxdepth 1 ! -name .cache -exec rm -rf {} +
	tar -C "$ROOT" --exclude=./.cache --exclude=./build -c . | tar -x -C "$dest"
}

# Runs in the new namespaces: mounts, then the command under chroot.
enter() {
	local r=$ROOTFS
	mount -t proc proc "$r/proc"
	mount --rbind /sys "$r/sys"
	mount --rbind /dev "$r/dev"
	cp /etc/resolv.conf "$r/etc/resolv.conf"
	# A clean environment, as a login on that Debian has, plus what the
	# suite takes from its caller.
	local -a env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8)
	local v
	for v in CI MYBRD_TIMEOUT_SCALE JOBS; do
		[[ -n ${!v:-} ]] && env+=("$v=${!v}")
	done
	exec chroot "$r" /usr/bin/env -i "${env[@]}" \
		sh -c 'cd /work/labs && exec "$@"' sh "$@"
}

make_root
copy_tree
say "running '${ARGS[*]}' in $RELEASE_NAME (/work/labs in .cache/roots/debian$RELEASE)"
export -f enter
export ROOTFS
exec unshare --mount --propagation private --pid --fork --kill-child \
	bash -c 'enter "$@"' bash "${ARGS[@]}"
