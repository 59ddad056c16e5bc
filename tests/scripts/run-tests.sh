#!/bin/sh
# run-tests.sh BUILD UNIT_TEST... -- INTEGRATION_TEST...
# Runs every Criterion test binary, shows Criterion's own summary for each,
# and ends with the project's closing line:
#   TESTS: <n> passed, <n> failed, <n> skipped
# A binary that dies without a report counts as one failed test.
set -u
build=$1; shift
export HOSPES_BUILD="$build"
# Leaks inside the Criterion runtime are not ours (ASan builds only).
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
results=$build/test-results
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0; skipped=0; phase=unit

run_one() {
	bin=$1
	name=$(echo "$bin" | sed "s|^$build/tests/||; s|/|.|g")
	json=$results/$name.json
	echo "== $phase: $name"
	# A hung test must not hang the run: Criterion kills a test after
	# --timeout (suites may set less), and the whole binary is bounded too.
	timeout -k 10 1200 "$bin" -j2 --short-filename --timeout 300 --json="$json"
	rc=$?
	if [ -s "$json" ] && jq -e .passed "$json" >/dev/null 2>&1; then
		p=$(jq '.passed' "$json"); f=$(jq '.failed + .errored' "$json"); s=$(jq '.skipped' "$json")
		# Criterion exits non-zero on failures; also catch a crash after the report.
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	else
		echo "   $name: no report (exit $rc): counted as one failure"
		p=0; f=1; s=0
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

for t in "$@"; do
	if [ "$t" = "--" ]; then phase=integration; continue; fi
	run_one "$t"
done

echo "TESTS: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
