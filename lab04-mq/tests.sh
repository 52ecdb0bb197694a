# shellcheck shell=dash
# lab04-mq's tests, run in the VM (2 CPUs): one function per test, named
# after it (check.c declares each test and judges what it prints). In make
# console-lab4, type a test's name to run it. Helpers: harness/guest/
# (mq.sh for loading with insmod_rc, must_dd and the per-queue counters).
# shellcheck source=../harness/guest/lib.sh
. /check/lib.sh

# ---- queues ----

one_queue_per_cpu_by_default() {
	load_and_report || exit 0
	fact cpus "$(nproc)"
	fact dflt_queues "$(nr_queues)"
	fact param "$(cat /sys/module/mybrd/parameters/nr_hw_queues)"
	fact tags "$(cat /sys/block/mybrd/mq/0/nr_tags)"
}

hw_queues_follow_parameter() {
	load_and_report nr_hw_queues=1 || exit 0
	fact one_queues "$(nr_queues)"
	fact sched1 "$(cat /sys/block/mybrd/queue/scheduler)"
	load_and_report nr_hw_queues=2 || exit 0
	fact two_queues "$(nr_queues)"
	fact sched2 "$(cat /sys/block/mybrd/queue/scheduler)"
}

# tags: every queue's mq/N/nr_tags, on one line.
queue_depth_sets_tags() {
	load_and_report nr_hw_queues=2 hw_queue_depth=16 || exit 0
	fact d_queues "$(nr_queues)"
	fact tags "$(cat /sys/block/mybrd/mq/*/nr_tags | tr '\n' ' ' | sed 's/ $//')"
}

# For each CPU c: the queue its cpu_list names (cpuC_queue) and how much
# 16 O_DIRECT writes from it moved queue0's and queue1's dispatched
# (cpuC_d0, cpuC_d1).
io_dispatched_on_the_cpus_queue() {
	local c b0 b1
	load_and_report nr_hw_queues=2 || exit 0
	queue_facts before
	rnd /tmp/w $((128 * 1024))
	for c in 0 1; do
		fact "cpu${c}_queue" "$(hw_queue_of "$c")"
		b0=$(debugfs_counter queue0/dispatched)
		b1=$(debugfs_counter queue1/dispatched)
		must taskset -c "$c" dd if=/tmp/w of=/dev/mybrd bs=4k count=16 \
			skip=$((c * 16)) seek=$((c * 16)) oflag=direct status=none
		fact "cpu${c}_d0" $(($(debugfs_counter queue0/dispatched) - b0))
		fact "cpu${c}_d1" $(($(debugfs_counter queue1/dispatched) - b1))
	done
	must_dd if=/dev/mybrd of=/tmp/got bs=4k count=32 iflag=direct
	same verdict /tmp/w /tmp/got
}

# ---- in flight ----

# parallel_writers BS COUNT PARAM...: insmod with the PARAMs, then 4
# O_DIRECT writers at once, on CPUs 0, 1, 0, 1, each writing its own
# COUNT blocks of BS of 4 MiB of random data; then the queues' counters
# (queue_facts after) and whether the disk reads back as written (verdict).
parallel_writers() {
	local bs=$1 count=$2 w
	shift 2
	load_and_report "$@" || exit 0
	rnd /tmp/w $((4096 * 1024))
	for w in 0 1 2 3; do
		must taskset -c $((w % 2)) dd if=/tmp/w of=/dev/mybrd bs="$bs" \
			count="$count" skip=$((w * count)) seek=$((w * count)) \
			oflag=direct status=none &
	done
	wait
	queue_facts after
	must_dd if=/dev/mybrd of=/tmp/got bs=64k iflag=direct
	same verdict /tmp/w /tmp/got
}

inflight_bounded_by_depth() {
	parallel_writers 256k 4 nr_hw_queues=2 hw_queue_depth=2 completion=1 \
		completion_nsec=2000000
}

# Four 1 MiB O_DIRECT writes, one after the other, each split in requests.
timer_completion_overlaps() {
	load_and_report nr_hw_queues=1 hw_queue_depth=4 completion=1 \
		completion_nsec=1000000 || exit 0
	rnd /tmp/w $((1024 * 1024))
	for _ in 0 1 2 3; do
		must_dd if=/tmp/w of=/dev/mybrd bs=1M count=1 oflag=direct
	done
	queue_facts after
	must_dd if=/dev/mybrd of=/tmp/got bs=1M count=1 iflag=direct
	same verdict /tmp/w /tmp/got
}

# ---- data ----

parallel_writers_verify() {
	parallel_writers 16k 64 nr_hw_queues=2 completion=1 completion_nsec=20000
}

# 4 MiB through the page cache (verdict), then nine 512-byte O_DIRECT
# writes at sectors 7 and 13 to 20 read back by one O_DIRECT read with what
# lies between (odd). put and get (data.sh) make them really O_DIRECT:
# busybox dd bs=512 falls back to buffered I/O.
timer_completion_keeps_data() {
	local s
	load_and_report completion=1 completion_nsec=1000000 || exit 0
	rnd /tmp/img $((4096 * 1024))
	must_dd if=/tmp/img of=/dev/mybrd bs=64k
	must_dd if=/dev/mybrd of=/tmp/got bs=64k iflag=direct
	same verdict /tmp/img /tmp/got
	cp /tmp/img /tmp/exp
	for s in 7 13 14 15 16 17 18 19 20; do
		rnd /tmp/a 512
		put "w$s" /tmp/a $((s * 512)) direct
	done
	get odd $((7 * 512)) $((14 * 512)) direct
	queue_facts after
}

# Loaded with 2 queues (first_queues), 64 KiB written, rmmod
# (unload_facts), reloaded with 1 (second_queues, queue1_dir) and whether
# it reads as zeros (verdict).
reload_with_other_queues() {
	load_and_report nr_hw_queues=2 || exit 0
	fact first_queues "$(nr_queues)"
	must_dd if=/dev/urandom of=/dev/mybrd bs=4k count=16
	unload_facts
	load_and_report nr_hw_queues=1 || exit 0
	fact second_queues "$(nr_queues)"
	fact_exists queue1_dir "$MYBRD_DEBUGFS/queue1"
	reads_zeros verdict 16
}

# ---- parameters ----

# refused_params PARAM...: insmod with each PARAM alone; for the I-th,
# paramI=PARAM, rcI=insmod's status, errI=its message, leftI=yes if a disk
# or the debugfs directory is left behind.
refused_params() {
	local i=0 p err
	for p in "$@"; do
		fact "param$i" "$p"
		err=$(load_mybrd "$p" 2>&1)
		fact "rc$i" $?
		fact "err$i" "$err"
		fact_exists "left$i" /sys/block/mybrd "$MYBRD_DEBUGFS"
		[ -d /sys/module/mybrd ] && rmmod mybrd
		i=$((i + 1))
	done
	true
}

rejects_zero_hw_queues() {
	refused_params nr_hw_queues=0
}

# nr_cpu_ids + 1 (two more than the highest possible CPU number), and 1000.
rejects_more_hw_queues_than_cpus() {
	refused_params \
		"nr_hw_queues=$(awk -F'[-,]' '{ print $NF + 2 }' /sys/devices/system/cpu/possible)" \
		nr_hw_queues=1000
}

rejects_bad_queue_depth() {
	refused_params hw_queue_depth=0 hw_queue_depth=100000 hw_queue_depth=-1
}

rejects_bad_completion_and_text() {
	refused_params completion=2 nr_hw_queues=-1 nr_hw_queues=two
}
