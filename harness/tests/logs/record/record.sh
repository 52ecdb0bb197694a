#!/bin/bash
# Re-records the logs of harness/tests/logs (run from this directory):
#   ./record.sh /path/to/vmlinux [KDIR]
# Needs qemu-system-x86_64 and /bin/busybox; takes about two minutes.
# The modules are only ever loaded inside the VM, never on the host.
set -e
vmlinux=${1:?usage: record.sh VMLINUX [KDIR]}
kdir=${2:-/usr/src/linux-headers-6.1.0-56-amd64}
make -C "$kdir" M="$PWD" modules >/dev/null

./run.sh "$vmlinux" clean 60 <<'T'
begin 12 load
insmod /m/mod_clean.ko; end 12 load $?
begin 1 unload
rmmod mod_clean; end 1 unload $?
T
./run.sh "$vmlinux" oops 60 <<'T'
begin 1 oops
insmod /m/mod_oops.ko; end 1 oops $?
T
./run.sh "$vmlinux" panic 60 <<'T'
begin 1 panic
insmod /m/mod_panic.ko; end 1 panic $?
T
./run.sh "$vmlinux" warning 60 <<'T'
begin 1 warn
insmod /m/mod_warn.ko; end 1 warn $?
begin 2 unload
rmmod mod_warn; end 2 unload $?
T
./run.sh "$vmlinux" bug 60 <<'T'
begin 1 bug
insmod /m/mod_bug.ko; end 1 bug $?
T
./run.sh "$vmlinux" atomic 60 <<'T'
begin 1 atomic
insmod /m/mod_atomic.ko; end 1 atomic $?
T
# Never ends: killed by timeout.
./run.sh "$vmlinux" hang 25 <<'T'
begin 1 hang
insmod /m/mod_hang.ko; end 1 hang $?
T
./run.sh "$vmlinux" hungtask 16 <<'T'
echo 3 > /proc/sys/kernel/hung_task_timeout_secs
echo 1 > /proc/sys/kernel/hung_task_warnings
begin 1 hungtask
insmod /m/mod_hungtask.ko; end 1 hungtask $?
T
./run.sh "$vmlinux" softlockup 60 <<'T'
echo 4 > /proc/sys/kernel/watchdog_thresh
begin 1 spin
insmod /m/mod_soft.ko spin_secs=12; end 1 spin $?
T
./run.sh "$vmlinux" rcustall 90 <<'T'
echo 3 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
begin 1 spin
insmod /m/mod_soft.ko spin_secs=8; end 1 spin $?
T
rm -rf ir-* ./*.cpio
make -C "$kdir" M="$PWD" clean >/dev/null
echo "now: mv ./*.log .. (and re-check the tests' expected lines)"
