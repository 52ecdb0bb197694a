# shellcheck shell=dash
# blk-mq (lab03-request, lab04-mq): loading with the insmod status as a
# fact, dd that must succeed, and the counters the driver keeps in
# /sys/kernel/debug/mybrd/ (per disk, per hardware queue).

MYBRD_DEBUGFS=/sys/kernel/debug/mybrd

# load_and_report [PARAM=VALUE...]: load_mybrd, then insmod_rc=<its status>;
# returns that status (the judge names a failed insmod as such).
load_and_report() {
	load_mybrd "$@"
	local rc=$?
	fact insmod_rc "$rc"
	return "$rc"
}

# must CMD...: runs CMD; if it fails, prints io_failed="CMD: its error" and
# ends the test with status 0 (the judge says which command failed and why).
must() {
	local msg
	if ! msg=$("$@" 2>&1); then
		fact io_failed "$*: $msg"
		exit 0
	fi
}

# must_dd ARG...: dd ARG... status=none, through must.
must_dd() {
	must dd "$@" status=none
}

# fact_exists KEY PATH...: KEY=yes if one of the PATHs exists, else KEY=no.
fact_exists() {
	local key=$1 p
	shift
	for p in "$@"; do
		if [ -e "$p" ]; then
			fact "$key" yes
			return
		fi
	done
	fact "$key" no
}

# reads_zeros KEY PAGES: KEY=yes if the disk's first PAGES pages read
# (O_DIRECT) as zeros, else where they differ.
reads_zeros() {
	zeros "$2"
	must_dd if=/dev/mybrd of=/tmp/zeros_read bs=4k count="$2" iflag=direct
	same "$1" /tmp/exp /tmp/zeros_read
}

# unload_facts: rmmod mybrd; rmmod_rc=<its status>, then disk=yes|no and
# debugfs=yes|no: whether /sys/block/mybrd and the debugfs directory remain.
unload_facts() {
	unload_mybrd
	fact rmmod_rc $?
	fact_exists disk /sys/block/mybrd
	fact_exists debugfs "$MYBRD_DEBUGFS"
}

# debugfs_counter FILE: /sys/kernel/debug/mybrd/FILE, "none" if missing.
debugfs_counter() {
	cat "$MYBRD_DEBUGFS/$1" 2>/dev/null || echo none
}

# request_counters: one line, "requests bios segments" (the driver's debugfs
# counters) then "writes write_merges write_sectors" (fields 5 to 7 of
# /sys/block/mybrd/stat, Documentation/block/stat.rst).
request_counters() {
	echo "$(debugfs_counter requests) $(debugfs_counter bios)" \
	     "$(debugfs_counter segments)" \
	     "$(awk '{ print $5, $6, $7 }' /sys/block/mybrd/stat)"
}

# counter_deltas PREFIX BEFORE AFTER: PREFIX_requests=..., one fact per
# field of two request_counters lines, the change between them ("none" if
# a file was missing).
counter_deltas() {
	echo "$2 $3" | awk -v p="$1" '{
		n = split("requests bios segments writes write_merges write_sectors", k, " ")
		for (i = 1; i <= n; i++) {
			d = ($i ~ /^[0-9]+$/ && $(i + n) ~ /^[0-9]+$/) ? $(i + n) - $i : "none"
			printf "%s_%s=%s\n", p, k[i], d
		}
	}'
}

# How many hardware queues /sys/block/mybrd/mq lists.
nr_queues() {
	# shellcheck disable=SC2012 # the names are numbers
	ls /sys/block/mybrd/mq 2>/dev/null | wc -l
}

# hw_queue_of CPU: the hardware queue whose mq/N/cpu_list has CPU (empty if
# none).
hw_queue_of() {
	local d
	for d in /sys/block/mybrd/mq/*; do
		if tr -c '0-9' '\n' < "$d/cpu_list" | grep -qx "$1"; then
			basename "$d"
			return
		fi
	done
}

# queue_facts PREFIX: PREFIX_queues=<nr_queues>, then for each queue N its
# debugfs counters: PREFIX_qN_dispatched, PREFIX_qN_inflight, PREFIX_qN_max.
queue_facts() {
	local q=0
	fact "$1_queues" "$(nr_queues)"
	while [ "$q" -lt "$(nr_queues)" ]; do
		fact "$1_q${q}_dispatched" "$(debugfs_counter "queue$q/dispatched")"
		fact "$1_q${q}_inflight" "$(debugfs_counter "queue$q/inflight")"
		fact "$1_q${q}_max" "$(debugfs_counter "queue$q/max_inflight")"
		q=$((q + 1))
	done
}

# The kernel's trace events (tracefs, under debugfs).
MYBRD_TRACING=/sys/kernel/debug/tracing

# rq_events_start: trace block_rq_issue (a request the driver started with
# blk_mq_start_request()) and block_rq_complete (one it ended), from now.
rq_events_start() {
	echo 0 > "$MYBRD_TRACING/tracing_on"
	: > "$MYBRD_TRACING/trace"
	echo 1 > "$MYBRD_TRACING/events/block/block_rq_issue/enable"
	echo 1 > "$MYBRD_TRACING/events/block/block_rq_complete/enable"
	echo 1 > "$MYBRD_TRACING/tracing_on"
}

# rq_events_stop: stops the events; prints issued=N and completed=N, the
# events for mybrd's disk since rq_events_start.
rq_events_stop() {
	local dev
	echo 0 > "$MYBRD_TRACING/tracing_on"
	echo 0 > "$MYBRD_TRACING/events/block/block_rq_issue/enable"
	echo 0 > "$MYBRD_TRACING/events/block/block_rq_complete/enable"
	dev="$(mybrd_major),0"
	fact issued "$(grep -c "block_rq_issue: $dev " "$MYBRD_TRACING/trace")"
	fact completed "$(grep -c "block_rq_complete: $dev " "$MYBRD_TRACING/trace")"
}

# requests_are_started: 8 direct 4 KiB writes, unmerged (nomerges=2): 8
# requests, each started (block_rq_issue) and ended (block_rq_complete).
requests_are_started() {
	load_and_report || exit
	echo 2 > /sys/block/mybrd/queue/nomerges
	rq_events_start
	for i in 0 1 2 3 4 5 6 7; do
		must_dd if=/dev/zero of=/dev/mybrd bs=4096 count=1 seek="$i" oflag=direct
	done
	rq_events_stop
}

# queue_rq_stack [dd flags]: the call stack of the driver's ->queue_rq
# for one 4 KiB read of block 100, by a kprobe on mybrd_queue_rq with a
# stacktrace trigger: its frames, innermost first, one a line, between
# "@@STACK-BEGIN" and "@@STACK-END" (make picture's blk-mq paths).
queue_rq_stack() {
	local e="$MYBRD_TRACING/events/kprobes/mybrd_qrq"
	echo 'p:mybrd_qrq mybrd_queue_rq' > "$MYBRD_TRACING/kprobe_events" || return
	: > "$MYBRD_TRACING/trace"
	echo stacktrace > "$e/trigger"
	echo 1 > "$e/enable"
	dd if=/dev/mybrd of=/dev/null bs=4096 count=1 skip=100 "$@" 2>/dev/null
	echo 0 > "$e/enable"
	echo '!stacktrace' > "$e/trigger"
	echo @@STACK-BEGIN
	awk '/<stack trace>/ { n++ } n == 1 && /^ => / { print $2 }' "$MYBRD_TRACING/trace"
	echo @@STACK-END
	echo '-:mybrd_qrq' >> "$MYBRD_TRACING/kprobe_events"
}
