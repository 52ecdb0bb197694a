# shellcheck shell=bash
# Sourced by the test scripts: counts the suite's own verdicts.
# verdict ok|fail "what" prints one line and adds to passed or failed (and
# to the failures list, for the summary); with VERDICT_DEFERRED set (in a
# background job) it only prints it, marked, for replay_verdicts.
passed=0
failed=0
failures=()

verdict() {
	# A background job's verdicts cannot count here: it prints them as
	# lines of its log for replay_verdicts.
	if [ -n "${VERDICT_DEFERRED:-}" ]; then
		printf '@@VERDICT %s %s\n' "$1" "$2"
		return
	fi
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "  ok    $2"
	else
		failed=$((failed + 1))
		failures+=("$2")
		echo "  FAIL  $2"
	fi
}

# replay_verdicts LOG: a background job's output, in order, its verdicts
# counted now.
replay_verdicts() {
	local line
	while IFS= read -r line; do
		if [[ $line == "@@VERDICT "* ]]; then
			line=${line#@@VERDICT }
			verdict "${line%% *}" "${line#* }"
		else
			printf '%s\n' "$line"
		fi
	done < "$1"
}
