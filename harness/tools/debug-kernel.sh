#!/usr/bin/env bash
# The labs' debug kernel (DEBUG=1): Debian's linux-source of the series the
# kernel K resolves to, configured as tinyconfig plus harness/debug/debug.config
# (KASAN, kmemleak, lockdep, might-sleep, debug objects, fault injection),
# built once under .cache/debug/SERIES/ and never installed. Writes
# .cache/kernel-debug-K.env, read as the normal kernel's .env is: modules are
# built against this tree, QEMU boots its bzImage. Idempotent: rebuilt only
# when the source package or the fragment changes.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: harness/tools/debug-kernel.sh [--kernel default|newest|SERIES] [--quiet]

Builds the debug kernel of the series that kernel K (or $KERNEL) is, from
Debian's linux-source-SERIES, and writes .cache/kernel-debug-K.env. The
first build takes about 6 minutes on 2 cores and 1.8 GB of disk under .cache/debug/.
EOF
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" debug-kernel
# shellcheck source=kernels.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernels.sh"

# What building a kernel needs beyond setup's build-essential.
BUILD_PKGS=(bc bison flex libelf-dev libssl-dev xz-utils)
FRAGMENT=$ROOT/harness/debug/debug.config
CACHE=$ROOT/.cache
KERNEL=${KERNEL:-default}
QUIET=

main() {
	parse_options "--kernel=KERNEL -q|--quiet:QUIET" "$@"
	check_series "$KERNEL"
	"$ROOT/harness/setup.sh" --kernel "$KERNEL" --quiet
	read_kernel_env "$CACHE/kernel-$KERNEL.env"
	host_release
	SERIES=$KERNEL_SERIES
	DIR=$CACHE/debug/$SERIES
	ENV_FILE=$CACHE/kernel-debug-$KERNEL.env
	resolve_source
	if built && [[ -f $ENV_FILE ]]; then
		[[ -n $QUIET ]] || say "ready (debug kernel $SERIES, $DIR)"
		return 0
	fi
	mkdir -p "$DIR"
	exec 9>>"$DIR/.lock"
	flock 9
	built || build
	write_env
	say "ready (debug kernel $SERIES, $DIR)"
}

# What the build changes in Debian's source, one word each (in the key).
PATCHES="kmemleak-min-age-0 kmemleak-first-scan-reports"

# The key a build is kept under: the source package's version, the
# fragment's contents and the patches.
wanted_key() {
	echo "$SRC_VERSION $(sha256sum <"$FRAGMENT" | cut -d' ' -f1) $PATCHES"
}

# kmemleak guards against reporting an object whose pointer is not stored
# yet: it reports none younger than 5 s, and none whose contents changed
# since its last scan (which every object has at its first). The checker
# scans once, after the last rmmod, and keeps only the driver's objects:
# with the module gone none of them is under construction, so the guards
# would only cost a check 5 s of waiting and a second scan (8 s under TCG).
patch_source() {
	local f=$DIR/src/mm/kmemleak.c
	sed -i -e 's/^#define MSECS_MIN_AGE\t\t5000\t/#define MSECS_MIN_AGE\t\t0\t/' \
		-e 's/^\treturn object->checksum != old_csum;$/\treturn old_csum \&\& object->checksum != old_csum;/' "$f"
	grep -q '^#define MSECS_MIN_AGE.*\b0\b' "$f" ||
		say "note: kmemleak's MSECS_MIN_AGE not found: it reports only objects 5 s old"
	grep -q 'return old_csum && object->checksum' "$f" ||
		say "note: kmemleak's update_checksum() not found: a leak is reported at its second scan"
}

built() {
	[[ -f $DIR/built && -f $DIR/image/bzImage && $(cat "$DIR/built") == "$(wanted_key)" ]]
}

# Sets SRC_VERSION, linux-source-SERIES's candidate, and SOURCE_OPTS, the
# apt options that find it: the host's lists, else its backports'.
SOURCE_OPTS=()
resolve_source() {
	SRC_VERSION=$(candidate)
	if [[ -z $SRC_VERSION ]] && backports_lists >/dev/null; then
		SOURCE_OPTS=("${BACKPORTS_OPTS[@]}")
		SRC_VERSION=$(candidate "${SOURCE_OPTS[@]}")
	fi
	[[ -n $SRC_VERSION ]] ||
		die "no linux-source-$SERIES in apt (${HOST_RELEASE}, its backports included): DEBUG=1 needs Debian's source of the kernel's series."
}

candidate() {
	apt-cache "$@" policy "linux-source-$SERIES" 2>/dev/null |
		awk '/Candidate:/ && $2 != "(none)" { print $2 }'
}

# Downloads and unpacks linux-source-SERIES into $DIR/src.
unpack_source() {
	local tmp tarball
	tmp=$(mktemp -d "$CACHE/.tmp.debug.XXXXXX")
	say "downloading linux-source-$SERIES $SRC_VERSION (about 140 MB)"
	APT_OPTS=("${SOURCE_OPTS[@]}")
	apt_download "$tmp" "linux-source-$SERIES"
	dpkg-deb -x "$tmp"/linux-source-*.deb "$tmp/x"
	tarball=$(find "$tmp/x/usr/src" -name 'linux-source-*.tar.*' | head -n 1)
	[[ -n $tarball ]] || die "linux-source-$SERIES holds no source tarball."
	say "unpacking the kernel source into ${DIR#"$ROOT"/}/src"
	rm -rf "$DIR/src"
	mkdir -p "$DIR/src"
	tar -xf "$tarball" -C "$DIR/src" --strip-components=1
	rm -rf "$tmp"
}

# Without these the kernel would not be a debug kernel: stop.
REQUIRED="CONFIG_KASAN CONFIG_DEBUG_KMEMLEAK CONFIG_PROVE_LOCKING CONFIG_DEBUG_ATOMIC_SLEEP"

# tinyconfig plus the fragment; says which of the fragment's values the
# kernel's Kconfig did not take (an option renamed or gone in this series).
configure() {
	local line opt val got missing=
	make -C "$DIR/src" -s tinyconfig >/dev/null
	"$DIR/src/scripts/kconfig/merge_config.sh" -m -O "$DIR/src" \
		"$DIR/src/.config" "$FRAGMENT" >"$DIR/config.log" 2>&1
	make -C "$DIR/src" -s olddefconfig >>"$DIR/config.log" 2>&1
	while IFS= read -r line; do
		[[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]] || continue
		opt=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		got=$(grep -E "^$opt=|^# $opt is not set" "$DIR/src/.config" || true)
		if [[ $val == n ]]; then
			[[ -z $got || $got == "# $opt is not set" ]] && continue
		elif [[ $got == "$opt=$val" ]]; then
			continue
		fi
		say "note: this series did not take $opt=$val (it has: ${got:-nothing})"
		[[ " $REQUIRED " == *" $opt "* ]] && missing+=" $opt"
	done <"$FRAGMENT"
	[[ -z $missing ]] ||
		die "Linux $SERIES's Kconfig refused$missing, which harness/debug/debug.config needs (see ${DIR#"$ROOT"/}/config.log)."
}

# make, with a line of progress every 30 s (files compiled so far).
compile() {
	local log=$DIR/build.log start pid n
	start=$(now)
	say "building the debug kernel (about 6 minutes on 2 cores; log: ${log#"$ROOT"/})"
	make -C "$DIR/src" -j"$(nproc)" bzImage modules >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30 &
		wait $! || true
		kill -0 "$pid" 2>/dev/null || break
		n=$(grep -c '^  CC ' "$log" || true)
		say "still building: $n files compiled, $(seconds_between "$start" "$(now)") s"
	done
	if ! wait "$pid"; then
		tail -n 20 "$log" >&2
		die "the debug kernel did not build (see ${log#"$ROOT"/})."
	fi
	seconds_between "$start" "$(now)" >"$DIR/build-seconds"
	say "built in $(cat "$DIR/build-seconds") s"
}

# What the checker reads beside the boot file: modules.builtin (every
# module the labs name is built in) and an empty modules.dep.
install_image() {
	local img=$DIR/image
	rm -rf "$img"
	mkdir -p "$img/modules"
	cp "$DIR/src/arch/x86/boot/bzImage" "$img/bzImage"
	cp "$DIR/src/System.map" "$DIR/src/.config" "$img/"
	cp "$DIR/src/modules.builtin" "$img/modules/"
	: >"$img/modules/modules.dep"
}

build() {
	apt_install "${BUILD_PKGS[@]}"
	[[ -f $DIR/src/Makefile && -f $DIR/src-version && $(cat "$DIR/src-version") == "$SRC_VERSION" ]] ||
		{ unpack_source; echo "$SRC_VERSION" >"$DIR/src-version"; }
	patch_source
	configure
	compile
	install_image
	wanted_key >"$DIR/built"
	say "it takes $(du -sh "$DIR" | cut -f1) under ${DIR#"$ROOT"/}"
}

write_env() {
	local tmp
	tmp=$(mktemp "$ENV_FILE.XXXXXX")
	cat >"$tmp" <<EOF
KERNEL_SERIES=$SERIES
KVER=$(make -C "$DIR/src" -s kernelrelease)
KDIR=$DIR/src
KIMG=$DIR/image
KBOOT=$DIR/image/bzImage
KDEPS=
KHOST=$HOST_CODENAME
EOF
	chmod 644 "$tmp"
	mv "$tmp" "$ENV_FILE"
}

main "$@"
