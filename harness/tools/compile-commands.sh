#!/usr/bin/env bash
# Writes compile_commands.json for clangd: every lab's mybrd.c and every
# solution with the flags kbuild uses for them, and the harness's C files
# with the Makefile's CFLAGS. Kbuild's own `make M=dir compile_commands.json`
# needs scripts/clang-tools/gen_compile_commands.py, which Debian's header
# packages do not ship, so the kernel entries are read from the .mybrd.o.cmd
# file of a small build made with each lab's Kbuild.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: harness/tools/compile-commands.sh --kernel-env FILE [--cc CC]
                                         [--cflags FLAGS] [--out FILE]

  --kernel-env FILE  .cache/kernel-SERIES.env (the headers to point at)
  --cc CC            the harness's compiler (default: cc)
  --cflags FLAGS     the harness's CFLAGS, as the Makefile has them
  --out FILE         output (default: compile_commands.json)
  --help             print this text

Entries point to the real files (labNN-*/mybrd.c, solutions/labNN-*/mybrd.c,
harness/...), never to build copies. GCC flags clang does not know are left
out of the kernel entries (see CLANG_UNKNOWN below), so clangd does not stop
on them.
EOF
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" compile-commands 2

# GCC-only flags of Debian's kernel builds (6.1 and 6.12 alike) that clangd
# 14 reports as errors ("unknown argument", "unsupported option", or
# -ftrivial-auto-var-init=zero "hasn't been enabled"); patterns, matched
# whole. -Wp,-MMD would have clangd write a dependency file.
CLANG_UNKNOWN=(
	'-mpreferred-stack-boundary=*' '-mindirect-branch=*'
	'-mindirect-branch-register' '-mindirect-branch-cs-prefix'
	'-mfunction-return=*' '-fno-allow-store-data-races' '-fconserve-stack'
	'-mrecord-mcount' '-ftrivial-auto-var-init=zero' '-Wp,-MMD,*'
)

KENV=
CC_HOST=cc
CFLAGS_HOST=
OUT=compile_commands.json

parse_options "--kernel-env=KENV --cc=CC_HOST --cflags=CFLAGS_HOST --out=OUT" "$@"
[[ -n $KENV ]] || die "--kernel-env is required; see $(tool_path) --help."
read_kernel_env "$KENV"
[[ -f $KDIR/Makefile ]] || die "the headers ($KDIR) are missing: run 'make setup' again."
cd "$ROOT"
SCRATCH=$ROOT/build/clangd/$KVER

json_string() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

is_unknown_to_clang() {
	local pat
	for pat in "${CLANG_UNKNOWN[@]}"; do
		# shellcheck disable=SC2053 # the pattern is meant to glob
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

# Prints the kernel compile command of $1/mybrd.o (the compiler first),
# minus the source file, the output and the flags clang does not know (one
# shell word a line).
kernel_flags() {
	local dir=$1 cmd word
	cmd=$(sed -n -E 's/^(saved)?cmd_[^ ]*mybrd\.o := *//p' "$dir/.mybrd.o.cmd")
	[[ -n $cmd ]] || return 1
	cmd=${cmd%%;*} # objtool and the like follow
	# Words as the shell splits them (-DKBUILD_MODNAME='"mybrd"' is one).
	local -a words=()
	eval "words=($cmd)"
	local skip=
	printf '%s\n' "${words[0]}"
	for word in "${words[@]:1}"; do
		if [[ -n $skip ]]; then
			skip=
			continue
		fi
		case $word in
		-o) skip=1; continue ;;
		-c | "$dir/mybrd.c") continue ;;
		esac
		is_unknown_to_clang "$word" && continue
		printf '%s\n' "$word"
	done
}

# Builds a stub with the lab's Kbuild (once per distinct Kbuild): the flags
# do not depend on the source, and a student's mybrd.c may not compile.
# Prints the directory whose .mybrd.o.cmd holds them.
flags_dir_for() {
	local kbuild=$1 sum dir
	sum=$(cksum <"$kbuild" | cut -d' ' -f1)
	dir=$SCRATCH/kbuild-$sum
	if [[ ! -f $dir/.mybrd.o.cmd ]]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		cp "$kbuild" "$dir/Kbuild"
		printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$dir/mybrd.c"
		make -C "$KDIR" M="$dir" mybrd.o >"$dir/build.log" 2>&1 ||
			die "cannot build a stub module with $kbuild (see $dir/build.log)."
	fi
	echo "$dir"
}

ENTRIES=()

# kernel_entry FILE FLAGSDIR: one entry in kbuild's form (run in KDIR).
kernel_entry() {
	local file=$1 dir=$2 args=() word
	mapfile -t args < <(kernel_flags "$dir")
	((${#args[@]})) || die "no compile command in $dir/.mybrd.o.cmd."
	local out
	out="    \"directory\": $(json_string "$KDIR"),"$'\n'
	out+="    \"file\": $(json_string "$ROOT/$file"),"$'\n'
	out+="    \"arguments\": [$(json_string "${args[0]}")"
	for word in "${args[@]:1}" "-I$ROOT/harness/kernel" -c "$ROOT/$file"; do
		out+=", $(json_string "$word")"
	done
	ENTRIES+=("  {"$'\n'"$out]"$'\n'"  }")
}

# host_entry FILE: the harness's own C, built by the top Makefile.
host_entry() {
	local file=$1 word out
	local -a flags
	read -r -a flags <<<"$CFLAGS_HOST"
	out="    \"directory\": $(json_string "$ROOT"),"$'\n'
	out+="    \"file\": $(json_string "$ROOT/$file"),"$'\n'
	out+="    \"arguments\": [$(json_string "$CC_HOST")"
	for word in "${flags[@]}" -c "$file"; do
		out+=", $(json_string "$word")"
	done
	ENTRIES+=("  {"$'\n'"$out]"$'\n'"  }")
}

main() {
	local lab dir first='' f n_kernel=0 n_host=0
	for lab in lab0*/; do
		lab=${lab%/}
		[[ -f $lab/Kbuild ]] || continue
		dir=$(flags_dir_for "$lab/Kbuild")
		first=${first:-$dir}
		for f in "$lab/mybrd.c" "solutions/$lab/mybrd.c"; do
			[[ -f $f ]] || continue
			kernel_entry "$f" "$dir"
			n_kernel=$((n_kernel + 1))
		done
	done
	# The self-tests' modules are built like lab01's mybrd.c.
	if [[ -n $first ]]; then
		for f in harness/tests/broken/*.c harness/tests/logs/record/*.c; do
			[[ -f $f ]] || continue
			kernel_entry "$f" "$first"
			n_kernel=$((n_kernel + 1))
		done
	fi
	for f in harness/src/*.c harness/tests/test_*.c harness/tools/*.c \
		lab0*/check.c lab0*/guest/*.c; do
		[[ -f $f ]] || continue
		host_entry "$f"
		n_host=$((n_host + 1))
	done
	local tmp=$OUT.tmp i
	{
		echo "["
		for i in "${!ENTRIES[@]}"; do
			printf '%s' "${ENTRIES[i]}"
			((i + 1 < ${#ENTRIES[@]})) && printf ','
			printf '\n'
		done
		echo "]"
	} >"$tmp"
	mv "$tmp" "$OUT"
	echo "compile-commands: wrote $OUT ($n_kernel kernel sources against $KVER, $n_host harness sources)"
}

main
