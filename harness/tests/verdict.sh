# shellcheck shell=bash
# Sourced by the test scripts: counts the suite's own verdicts.
# verdict ok|fail "what" prints one line and adds to passed or failed (and
# to the failures list, for the summary).
passed=0
failed=0
failures=()

verdict() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "  ok    $2"
	else
		failed=$((failed + 1))
		failures+=("$2")
		echo "  FAIL  $2"
	fi
}
