#!/usr/bin/env bash
# make picture [KERNEL=K]: the paths from system call to driver that lab
# 06's solution shows on the running kernel (read, close, fsync, sync,
# O_DIRECT write, drop_caches), and the way a read reaches lab03's and
# lab04's ->queue_rq (a kprobe's stack trace), drawn as one graph: every frame once, so the paths
# meet where they share frames. Runs the lab 06 checker on the solution,
# takes the call traces between its tests' step markers from the console
# log, and has Graphviz draw them: build/picture-K/paths.{dot,svg,png}.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" picture

usage() {
	cat <<'EOF'
usage: harness/tools/picture.sh [--kernel K] [--accel tcg|kvm]

Draws lab 06's call paths on kernel K (default: the release's own) into
build/picture-K/paths.svg and paths.png (Graphviz, installed if missing).
EOF
}

KERNEL=default
ACCEL=tcg
parse_options "--kernel=KERNEL --accel=ACCEL" "$@"
check_series "$KERNEL"
LAB=lab06-syscall-flush
OUT=$ROOT/build/picture-$KERNEL
# Each path: the test that shows it, its step markers, its name (once: a
# later test's steps of the same name draw nothing). A sync's write comes
# from sync(2) or from the flusher it wakes first: "sync".
PATHS="close_writes_in_close write written close(2)
fsync_writes_in_fsync fsync fsynced fsync(2)
flush_only_on_fsync sync synced sync
direct_write_in_write loud louded O_DIRECT_write(2)
read_stack read done read(2)
drop_caches_stack drop dropped drop_caches"

apt_install graphviz
cd "$ROOT"
# make picture has run set-up for KERNEL; alone, this stops saying so.
read_kernel_env "$ROOT/.cache/kernel-$KERNEL.env"
make --no-print-directory -s "build/$LAB/check"
mkdir -p "$OUT"
tests=$(awk '{ printf "%s%s", sep, $1; sep = "," }' <<<"$PATHS")
say "running the $LAB solution's $tests on kernel $KERNEL"
"build/$LAB/check" --root . --kernel-env ".cache/kernel-$KERNEL.env" \
	--accel "$ACCEL" --src "solutions/$LAB/mybrd.c" \
	--build-dir "$OUT/run" --only "$tests" >"$OUT/check.log" 2>&1 ||
	die "the solution's check failed (see $OUT/check.log); the picture needs its traces."

# The kernel's log of the run: the virtio port's copy of /dev/kmsg
# ("PRI,SEQ,TIME,-;text"), or the console's where there is none.
kernel_log() {
	if [[ -s $OUT/run/kmsg-0.log ]]; then
		sed -n 's/^[0-9]*,[0-9]*,[0-9]*,[^;]*;//p' "$OUT/run/kmsg-0.log"
	else
		tr -d '\r' <"$OUT/run/console-0.log" | sed 's/^\[[^]]*\] //'
	fi
}

# The frames of each path's first call trace, outermost first, one path a
# line: "NAME frame frame ...". Skips the "?" guesses, offsets, modules.
frames_of_paths() {
	kernel_log |
		awk -v spec="$PATHS" '
		BEGIN {
			n = split(spec, lines, "\n")
			for (i = 1; i <= n; i++) {
				split(lines[i], f, " ")
				start[f[2]] = f[4]; stop[f[3]] = 1
			}
		}
		/^step: / {
			s = substr($0, 7)
			if (s in start) { name = start[s]; depth = 0; done = 0; path = "" }
			else if (s in stop) {
				if (path != "" && !(name in drawn)) print name path
				if (path != "") drawn[name] = 1
				name = ""
			}
			next
		}
		name != "" && !done && /^Call Trace:/ { depth = 1; next }
		name != "" && depth && /^ *<\/TASK>/ { depth = 0; if (path != "") done = 1; next }
		name != "" && depth && /^ *[a-zA-Z_][a-zA-Z0-9_.]*\+0x/ {
			fn = $1; sub(/\+0x.*/, "", fn); sub(/\.cold$/, "", fn)
			if (fn ~ /^(dump_stack_lvl|dump_stack)$/) next
			path = " " fn path
		}'
}

# DOT: one node a frame, one edge a call, labelled with the paths it is on.
to_dot() {
	awk -v kernel="$1" '
	{
		name = $1
		for (i = 2; i < NF; i++) {
			e = "\"" $i "\" -> \"" $(i + 1) "\""
			if (!(e in on)) order[++n] = e
			on[e] = on[e] (e in seen ? ", " : "") name; seen[e] = 1
		}
		leaf[$NF] = 1
	}
	END {
		print "digraph paths {"
		print "\tlabel=\"lab 06: from system call to mybrd, kernel " kernel "\"; labelloc=t;"
		print "\trankdir=TB; node [shape=box, fontname=monospace, fontsize=10];"
		print "\tedge [fontname=sans, fontsize=8];"
		for (f in leaf) print "\t\"" f "\" [style=filled, fillcolor=lightyellow];"
		for (i = 1; i <= n; i++) print "\t" order[i] " [label=\"" on[order[i]] "\"];"
		print "}"
	}'
}

# blk_mq_path LAB NAME [dd flags]: "NAME frame ..." for LAB's solution's
# ->queue_rq, outermost first, from queue_rq_stack (harness/guest/mq.sh)
# in a console of that lab. The kprobe's own frames are left out.
blk_mq_path() {
	local lab=$1 name=$2
	shift 2
	make --no-print-directory -s "build/$lab/check"
	printf 'queue_rq_stack %s\n' "$*" |
		"build/$lab/check" --root . --kernel-env ".cache/kernel-$KERNEL.env" \
			--accel "$ACCEL" --src "solutions/$lab/mybrd.c" \
			--build-dir "$OUT/$lab" --console 2>&1 | tr -d '\r' |
		sed -n '/^@@STACK-BEGIN/,/^@@STACK-END/p' |
		grep -vE '^@@|^kprobe_|^0x|^$' |
		awk -v name="$name" '{ path = " " $1 path } END { if (path != "") print name path }'
}

frames_of_paths >"$OUT/paths.txt"
say "tracing ->queue_rq of lab03 (mq-deadline) and lab04 (no scheduler)"
blk_mq_path lab03-request "blk-mq:lab03" >>"$OUT/paths.txt"
blk_mq_path lab04-mq "blk-mq:lab04" iflag=direct >>"$OUT/paths.txt"
[[ -s $OUT/paths.txt ]] || die "no call trace found in $OUT/run/console-0.log."
to_dot "$KVER" <"$OUT/paths.txt" >"$OUT/paths.dot"
dot -Tsvg "$OUT/paths.dot" -o "$OUT/paths.svg"
dot -Tpng -Gdpi=80 "$OUT/paths.dot" -o "$OUT/paths.png"
while read -r name frames; do
	say "$name: ${frames// / > }"
done <"$OUT/paths.txt"
say "drawn: ${OUT#"$ROOT"/}/paths.svg and paths.png ($(wc -l <"$OUT/paths.txt") paths)"
