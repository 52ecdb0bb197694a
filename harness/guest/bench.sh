# shellcheck shell=dash
# make bench's runs (harness/tools/bench.c): each is a call of bench_run,
# the driver and fio's settings its arguments.

# bench_load MODULE [PARAM...]: what MODULE needs (its load list in the
# initramfs; the last line is MODULE itself), then MODULE with PARAMs.
bench_load() {
	local list=/lib/modules/$1.load m
	shift
	sed '$d' "$list" | while read -r m; do
		[ -d "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" || exit 1
	done || return 1
	insmod "/lib/modules/$(tail -n 1 "$list").ko" "$@"
}

# bench_fio DEV SIZE_MB ENGINE IODEPTH SECONDS JOBS: fio's terse output of
# a prefill (writing the disk first makes every read hit a page that
# exists), then of each job of the comma-separated JOBS (rw= modes), one
# after another. Options before the first --name apply to every job.
bench_fio() {
	local dev=$1 size=$2 engine=$3 iodepth=$4 seconds=$5 jobs=$6 job
	set -- --output-format=terse --terse-version=3 --filename="$dev" \
		--size="${size}M" --direct=1 --ioengine="$engine" \
		--iodepth="$iodepth" --bs=4k --numjobs=1 --norandommap \
		--randrepeat=1 --name=prefill --rw=write --bs=1M
	for job in $(echo "$jobs" | tr ',' ' '); do
		set -- "$@" --name="$job" --stonewall --rw="$job" \
			--runtime="$seconds" --time_based
	done
	fio "$@"
}

# bench_run MODULE UNLOAD DEV SIZE_MB ENGINE IODEPTH SECONDS JOBS SCHED
# [PARAM...]: loads MODULE with PARAMs, sets DEV's I/O scheduler to SCHED
# (- keeps the default), prints kernel=, cpus=, scheduler= and a line
# "bench <job> <error> <KiB/s> <IOPS>" per job of JOBS, unloads UNLOAD
# (the name rmmod knows). fio's terse format 3: field 3 is the job, 5 its
# error, 7 and 8 the read KiB/s and IOPS, 48 and 49 the write ones.
bench_run() {
	local module=$1 unload=$2 dev=$3 size=$4 engine=$5 iodepth=$6
	local seconds=$7 jobs=$8 sched=$9 rc
	local queue=/sys/block/${dev#/dev/}/queue
	shift 9
	fact kernel "$(uname -r)"
	fact cpus "$(nproc)"
	bench_load "$module" "$@" || return 1
	[ -b "$dev" ] || { echo "no block device $dev"; return 1; }
	if [ "$sched" != - ] && ! echo "$sched" > "$queue/scheduler"; then
		echo "cannot set $dev's I/O scheduler to $sched"
		rmmod "$unload"
		return 1
	fi
	fact scheduler "$(cat "$queue/scheduler" 2>/dev/null)"
	bench_fio "$dev" "$size" "$engine" "$iodepth" "$seconds" "$jobs" \
		> /tmp/fio.out 2>&1
	rc=$?
	awk -F';' 'NF > 100 && $3 != "prefill" { print "bench", $3, $5, $7 + $48, $8 + $49 }' /tmp/fio.out
	[ $rc = 0 ] || grep -v '^3;' /tmp/fio.out
	rmmod "$unload"
	return $rc
}
