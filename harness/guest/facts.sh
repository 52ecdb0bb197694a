# shellcheck shell=dash
# Facts: what a test prints for its judge, one "key=value" line each.

# fact KEY VALUE: prints KEY=VALUE.
fact() {
	echo "$1=$2"
}

# run KEY CMD...: runs CMD; prints KEY=ok, or KEY=failed: <its last line of
# error> (dd's record counts left out).
run() {
	k=$1
	shift
	if out=$("$@" 2>&1); then
		fact "$k" ok
	else
		fact "$k" "failed: $(echo "$out" | grep -v ' records ' | tail -n 1)"
	fi
}

# mark TEXT: "mybrd-check: TEXT" in the kernel's log, for the host (test
# markers, loads); at level 3 (KERN_ERR), so that it reaches the console
# too, where a crash's report is when the VM stops.
mark() {
	echo "<3>mybrd-check: $*" > /dev/kmsg
}
