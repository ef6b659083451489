#!/bin/sh
# Run every lasthop test against the binaries in BUILD (build or build-asan):
# unit tests, golden replays (tests/TESTLIST), CLI errors, peer agreement,
# hostile input, crash regressions and, as root, the namespace lab.
# Prints one line per suite and a closing "N passed, M failed".
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 1
LASTHOP=$BUILD/lasthop
[ -x "$LASTHOP" ] || { echo "run-tests: $LASTHOP not built" >&2; exit 1; }
export LASTHOP BUILD

total_pass=0
total_fail=0
failed_suites=""
logdir=tests/out/$(basename "$BUILD")
rm -rf "$logdir"
mkdir -p "$logdir"

# record NAME PASSED FAILED
record() {
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	if [ "$3" -ne 0 ]; then
		failed_suites="$failed_suites $1"
	fi
	printf '%-28s %5d passed, %d failed\n' "$1" "$2" "$3"
}

# A suite script prints "N passed, M failed" as its last such line.
run_suite() {
	name=$1
	shift
	log=$logdir/$name.log
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		record "$name" 0 1
		echo "  (no result line; exit $rc; see $log)"
		tail -n 20 "$log" | sed 's/^/  | /'
		return
	fi
	p=$(echo "$line" | sed 's/ passed.*//')
	f=$(echo "$line" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	record "$name" "$p" "$f"
	if [ "$f" -ne 0 ]; then
		grep -E 'FAIL|ERROR|error|Sanitizer' "$log" | head -n 30 | sed 's/^/  | /'
	fi
}

# cmocka unit test programs
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	log=$logdir/$n.log
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	record "unit/$n" "$p" "$f"
	if [ "$f" -ne 0 ]; then
		grep -E 'FAILED|ERROR|error|Sanitizer' "$log" | head -n 20 | sed 's/^/  | /'
	fi
done

run_suite golden tests/golden.sh "$LASTHOP"
run_suite cut python3 tests/cut/check-cuts.py "$LASTHOP" \
    captures/peer-*-healthy.pcap captures/lab-healthy-udp.pcap
run_suite cli tests/cli.sh "$LASTHOP"
run_suite svg tests/svg.sh "$LASTHOP"
[ -x tests/peer/check-peer.sh ] && run_suite peer tests/peer/check-peer.sh "$BUILD"
[ -x tests/malformed/run.sh ] && run_suite malformed tests/malformed/run.sh "$LASTHOP"
[ -x tests/crashers/run.sh ] && run_suite crashers tests/crashers/run.sh "$LASTHOP"
[ -x tests/lab/run-lab-tests.sh ] && run_suite lab tests/lab/run-lab-tests.sh "$BUILD"

echo
if [ -n "$failed_suites" ]; then
	echo "failed suites:$failed_suites (logs in $logdir)"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
