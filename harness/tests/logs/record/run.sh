#!/bin/bash
# usage: run.sh VMLINUX NAME TIMEOUT  (the init body on stdin; writes NAME.log)
# Boots VMLINUX with busybox and the .ko files of this directory under QEMU.
set -e
vmlinux=$1; name=$2; to=$3
rm -rf "ir-$name"; mkdir -p "ir-$name/bin" "ir-$name/dev" "ir-$name/proc" "ir-$name/sys" "ir-$name/m"
cp /bin/busybox "ir-$name/bin/"; cp ./*.ko "ir-$name/m/"
{
cat <<'HDR'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo 8 > /proc/sys/kernel/printk
begin() { echo "mybrd-check: begin $1 $2" > /dev/kmsg; }
end() { echo "mybrd-check: end $1 $2 rc=$3" > /dev/kmsg; }
HDR
cat
echo 'poweroff -f'
} > "ir-$name/init"
chmod +x "ir-$name/init"
(cd "ir-$name" && find . | cpio -o -H newc 2>/dev/null) > "ir-$name.cpio"
rm -f "$name.log"
timeout "$to" qemu-system-x86_64 -machine q35 -accel tcg -m 512 -smp 2 -nodefaults -nographic -no-reboot -kernel "$vmlinux" -initrd "ir-$name.cpio" -append "console=ttyS0 quiet panic=-1 oops=panic" -serial "file:$name.log" -serial file:/dev/null -monitor none || echo "qemu rc=$?"
wc -c "$name.log"
