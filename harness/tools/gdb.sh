#!/usr/bin/env bash
# Debugs a lab's module with gdb: the lab's VM (the console-labN one) with
# QEMU's gdb stub, nokaslr, and vmlinux with debug info from Debian's
# linux-image-<kver>-dbg (downloaded once; only vmlinux is kept). gdb loads
# mybrd.ko's symbols at the addresses the kernel gave the module's sections
# (harness/tools/mybrd-gdb.py) and stops in its init function.
#
# The VM is the lab's checker in console mode (exactly what `make
# console-labN` boots) with --gdb PORT: QEMU starts stopped, its gdb stub on
# tcp 127.0.0.1:PORT, the kernel without KASLR. --print-command first
# builds the module and the initramfs and records the QEMU command line.
set -uo pipefail

usage() {
	cat <<'EOF'
usage: harness/tools/gdb.sh --lab LAB (--src mybrd.c | --module mybrd.ko)
                            [--kernel default|newest|SERIES] [--accel tcg|kvm]
                            [--port N] [--batch]

Without --batch: starts the VM here (its console; it waits for gdb) and
prints the gdb command to run in a second terminal. With --batch: runs a
scripted session instead (gdb stops in the module's init, prints the
backtrace, breaks in mybrd_submit_bio or mybrd_queue_rq while the guest
reads /dev/mybrd, prints the backtrace, kills the VM) and checks that gdb
used the section addresses /sys/module/mybrd/sections/ shows in the guest.

  --lab LAB        lab directory, e.g. lab01-register
  --src FILE       the mybrd.c to build (make gdb-labN: the lab's, or the
                   solution's with SOLUTION=1)
  --module KO      a prebuilt mybrd.ko instead
  --kernel S       kernel series (default 6.1)
  --accel A        QEMU accelerator (default tcg)
  --port N         gdb stub port on 127.0.0.1 (default 1234)
  --batch          the scripted session (no terminal needed)
  --help           print this text
EOF
}

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" gdb 2
LAB=
SRC=
MODULE=
KERNEL=default
ACCEL=tcg
PORT=1234
BATCH=
STARTED=() # pids of what we started, stopped on exit

parse_args() {
	parse_options "--lab=LAB --src=SRC --module=MODULE --kernel=KERNEL \
		--accel=ACCEL --port=PORT --batch:BATCH" "$@"
	check_series "$KERNEL"
	[[ -n $LAB && -d $ROOT/$LAB ]] || die "no lab '$LAB'; use --lab labNN-name (make gdb-labN does)."
	[[ -n $SRC || -n $MODULE ]] || die "--src or --module is required."
	[[ -z $SRC || -f $SRC ]] || die "$SRC does not exist."
	[[ -z $MODULE || -f $MODULE ]] || die "$MODULE does not exist."
	[[ $PORT =~ ^[0-9]+$ ]] || die "--port wants a number, not '$PORT'."
	[[ -z $SRC ]] || SRC=$(realpath "$SRC")
	[[ -z $MODULE ]] || MODULE=$(realpath "$MODULE")
}

cleanup() {
	local pid
	for pid in "${STARTED[@]}"; do
		kill "$pid" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ensure_gdb() {
	command -v gdb >/dev/null || apt_install gdb
}

build_id() {
	readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: //p' | head -n 1
}

# .cache/kernel/KVER/vmlinux-dbg: vmlinux of linux-image-KVER-dbg, with a
# gdb index (loads in seconds instead of about 40).
provide_vmlinux_dbg() {
	local pkg=linux-image-$KVER-dbg size tmp f answer
	VMLINUX=$KIMG/vmlinux-dbg
	[[ -f $VMLINUX ]] && return 0
	size=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1)
	if [[ -z $size && $(id -u) == 0 ]]; then
		say "apt-cache does not know $pkg: updating the package lists"
		apt_update
		size=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1)
	fi
	[[ -n $size ]] || die "apt-cache knows no $pkg; run 'apt-get update' as root, then try again."
	echo "gdb: vmlinux with debug info comes from $pkg: a $((size / 1000000)) MB download, made once;"
	echo "gdb: only vmlinux (6.1: 640 MB, 6.12: 390 MB) is kept, as .cache/kernel/$KVER/vmlinux-dbg."
	if [[ -t 0 && -z $BATCH ]]; then
		read -r -p "gdb: download it now? [Y/n] " answer
		[[ $answer != [nN]* ]] || die "not downloaded; gdb needs it for the kernel's symbols."
	fi
	tmp=$(mktemp -d "$ROOT/.cache/.dbg.XXXXXX")
	STARTED_TMP=$tmp
	trap 'rm -rf "$STARTED_TMP"; cleanup' EXIT
	apt_download "$tmp" "$pkg"
	echo "gdb: unpacking vmlinux from $pkg"
	f=./usr/lib/debug/boot/vmlinux-$KVER
	# tar stops after the one file; dpkg-deb then sees a closed pipe.
	dpkg-deb --fsys-tarfile "$tmp"/*.deb 2>/dev/null |
		tar -xf - -C "$tmp" --occurrence=1 "$f" 2>/dev/null
	[[ -f $tmp/$f ]] || die "$pkg has no ${f#.}."
	rm -f "$tmp"/*.deb
	if [[ -n $(build_id "$KBOOT") && $(build_id "$KBOOT") != "$(build_id "$tmp/$f")" ]]; then
		die "the vmlinux of $pkg is not the kernel the VM boots (build IDs differ); run 'make setup REFRESH=1'."
	fi
	if command -v gdb-add-index >/dev/null; then
		echo "gdb: indexing it for gdb (about 30 s, once)"
		gdb-add-index "$tmp/$f" >/dev/null 2>&1 ||
			echo "gdb: gdb-add-index failed; gdb will index it at each start (slower)"
	fi
	mv "$tmp/$f" "$VMLINUX"
	rm -rf "$tmp"
	echo "gdb: kept $(du -m "$VMLINUX" | cut -f1) MB: ${VMLINUX#"$ROOT"/}"
}

# The lab's checker in console mode with the gdb stub, on the module
# given or built here; more checker options follow.
console_checker() {
	"$ROOT/build/$LAB/check" --root "$ROOT" --kernel-env "$KENV" \
		--accel "$ACCEL" --build-dir "$WORK" --console --gdb "$PORT" "$@"
}

# Builds the module and the initramfs (--print-command: no VM yet) and
# keeps the QEMU command line the VM will run, in $WORK/qemu-command.
prepare_vm() {
	local log=$WORK/prepare.log
	rm -f "$WORK/qemu-command"
	echo "gdb: building the module and the initramfs (as make console-${LAB%%-*} does)"
	if ! console_checker ${MODULE:+--module "$MODULE"} ${SRC:+--src "$SRC"} \
		--print-command </dev/null >"$log" 2>&1; then
		cat "$log"
		die "the checker could not build the module (above)."
	fi
	grep '^qemu-system-x86_64 ' "$log" >"$WORK/qemu-command" ||
		{ cat "$log"; die "the checker printed no QEMU command line (above)."; }
	KO=${MODULE:-$WORK/mybrd.ko}
}

# The VM, on this terminal or on the redirections given: the checker
# relays its stdin to the guest's shell once the shell is ready.
run_vm() {
	console_checker --module "$KO"
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_gdbinit() {
	cat >"$WORK/gdbinit" <<EOF
# Written by harness/tools/gdb.sh for $LAB (kernel $KVER): gdb -x this file.
set pagination off
set confirm off
echo Loading vmlinux with debug info...\\n
file $VMLINUX
source $ROOT/harness/tools/mybrd-gdb.py
set mybrd-ko $KO
target remote 127.0.0.1:$PORT
mybrd-break-init
EOF
	cat >"$WORK/gdbinit-help" <<'EOF'
python
print("""
The VM is stopped before its first instruction.
  continue         boots it; gdb stops in mybrd's init function when the
                   guest loads the module (its symbols are loaded first)
  mybrd-break-io   break in mybrd_submit_bio (or mybrd_queue_rq), then
                   continue, and in the VM's console:
                   dd if=/dev/mybrd of=/dev/null bs=4096 count=1
  mybrd-symbols    load the module's symbols again (after an rmmod and
                   insmod in the guest, gdb stops in init and does it)
  Ctrl-C           stops the VM where it is; kill ends it
""")
end
EOF
}

interactive() {
	write_gdbinit
	echo "gdb: the VM starts here and waits for gdb. In a second terminal, run:"
	echo
	echo "    gdb -q -x ${WORK#"$ROOT"/}/gdbinit -x ${WORK#"$ROOT"/}/gdbinit-help"
	echo
	echo "gdb: (from $ROOT). In this console: Ctrl-A X quits QEMU, poweroff leaves the VM."
	echo "gdb: the VM runs $(cat "$WORK/qemu-command")"
	run_vm
}

# The scripted session, for a check without a terminal.
batch() {
	local con=$WORK/con qpid rc guest_data gdb_data
	write_gdbinit
	rm -f "$con.in" "$con.out" "$WORK/console.log"
	mkfifo "$con.in" || die "cannot make a FIFO in $WORK."
	# Read-write: opening it does not wait for gdb's writes to come.
	run_vm <>"$con.in" >"$WORK/console.log" 2>&1 &
	qpid=$!
	STARTED+=("$qpid")
	cat >"$WORK/batch.gdb" <<EOF
echo \\n== continue: boot until mybrd's init function\\n
continue
echo \\n== backtrace in init\\n
bt
echo \\n== finish: init runs to its end (add_disk may read the disk)\\n
finish
mybrd-break-io
echo \\n== the guest prints its section addresses, then reads /dev/mybrd\\n
shell printf '%s\\n' 'for s in .data .bss; do echo "section \$s=\$(cat /sys/module/mybrd/sections/\$s)"; done' 'dd if=/dev/mybrd of=/dev/null bs=4096 count=1' 'poweroff -f' > $con.in
continue
echo \\n== backtrace of the read\\n
bt
kill
EOF
	echo "gdb: batch session (gdb -batch -x gdbinit -x batch.gdb); log in ${WORK#"$ROOT"/}/gdb.log"
	timeout 600 gdb -q -batch -x "$WORK/gdbinit" -x "$WORK/batch.gdb" \
		</dev/null >"$WORK/gdb.log" 2>&1
	rc=$?
	sed 's/^/    /' "$WORK/gdb.log"
	# gdb's kill ended QEMU, and so the checker; unless gdb stopped early.
	for _ in {1..50}; do kill -0 "$qpid" 2>/dev/null && sleep 0.1; done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	echo "gdb: the guest's console said:"
	tr -d '\r' <"$WORK/console.log" | grep -a -E '^section |mybrd' | sed 's/^/    /'
	# .data: every mybrd has one (.text may be missing: see mybrd-gdb.py).
	guest_data=$(tr -d '\r' <"$WORK/console.log" | sed -n 's/^section \.data=//p' | head -n 1)
	gdb_data=$(sed -n 's/^mybrd-symbols: .* loaded at .*\.data \(0x[0-9a-f]*\).*/\1/p' "$WORK/gdb.log" | head -n 1)
	((rc == 0)) || die "the scripted session stopped early: gdb exited with status $rc (its last words above)."
	grep -qE '^#0 .*mybrd' "$WORK/gdb.log" ||
		die "gdb never stopped in the module."
	grep -qE '^#0 .*(mybrd_submit_bio|mybrd_queue_rq)' "$WORK/gdb.log" ||
		die "gdb did not stop where I/O enters mybrd."
	[[ -n $guest_data && $guest_data == "$gdb_data" ]] ||
		die "the guest's .data (${guest_data:-none}) is not where gdb loaded the symbols (${gdb_data:-none})."
	echo "gdb: ok: stopped in init and in the I/O path; gdb put .data at $gdb_data, as the guest's /sys/module/mybrd/sections/.data says"
}

main() {
	parse_args "$@"
	KENV=$ROOT/.cache/kernel-$KERNEL.env
	read_kernel_env "$KENV"
	WORK=$ROOT/build/$LAB/gdb-$KERNEL
	mkdir -p "$WORK"
	ensure_gdb
	provide_vmlinux_dbg
	port_busy "$PORT" && die "127.0.0.1:$PORT is in use (another gdb session?): use GDB_PORT=another port."
	prepare_vm
	if [[ -n $BATCH ]]; then
		batch
	else
		interactive
	fi
}

main "$@"
