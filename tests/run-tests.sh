#!/bin/sh
# Run every lasthop test against the binaries in BUILD (build or build-asan):
# unit tests, golden replays (tests/TESTLIST), the synthetic captures'
# independent check, CLI errors, hostile input, SVG, peer agreement, this
# runner's own self-test and, as root, the namespace lab.
#
# usage: tests/run-tests.sh [-x] [--without NAME,...] BUILD
#        tests/run-tests.sh --list
#   -x          stop after the first suite that fails (tools/mutate.sh)
#   --without   leave these suites out ("unit" stands for every unit
#               program); the closing lines name them; they count nowhere
#   --list      the suites in the order they run, "NAME SCRIPT" per line
#
# Every suite counts passed, failed and skipped: one line per suite and a
# closing "N passed, N failed, N skipped".  A suite script ends with the
# line "N passed, N failed" or "N passed, N failed, N skipped"; a cmocka
# program is read from its summary.  A suite that cannot run (its script
# missing or not executable, a unit program not built) is one skip, said
# loudly; a "KNOWN BUG" line in a suite's output is one more.  Under
# CI=true every skip is a failure: CI runs everything, or fails.
set -u
cd "$(dirname "$0")/.." || exit 1

# NAME SCRIPT ARGUMENT (lasthop: the binary, build: the build directory),
# after the unit programs (one per tests/unit/test_*.c), cheapest first.
SUITES='golden tests/golden.sh lasthop
synth tests/synth/run.sh lasthop
cut tests/cut/run.sh lasthop
cli tests/cli.sh lasthop
malformed tests/malformed/run.sh lasthop
svg tests/svg.sh lasthop
peer tests/peer/check-peer.sh build
runner tests/runner-selftest.sh build
lab tests/lab/run-lab-tests.sh build'

usage() {
	echo "usage: tests/run-tests.sh [-x] [--without NAME,...] BUILD" >&2
	echo "       tests/run-tests.sh --list" >&2
	exit 2
}

stop_first=0
without=" "
while [ $# -gt 0 ]; do
	case $1 in
	-x) stop_first=1 ;;
	--without)
		[ $# -ge 2 ] || usage
		without="$without$(echo "$2" | tr ',' ' ') "
		shift ;;
	--list)
		for u in tests/unit/test_*.c; do
			[ -e "$u" ] && echo "unit/$(basename "$u" .c) $u"
		done
		echo "$SUITES" | while read -r n s a; do echo "$n $s"; done
		exit 0 ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || usage
BUILD=$1
LASTHOP=$BUILD/lasthop
[ -x "$LASTHOP" ] || { echo "run-tests: $LASTHOP not built" >&2; exit 1; }
export LASTHOP BUILD
# cmocka's own summary is what is read: no TAP, XML or subunit instead.
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE

ci=0
case ${CI:-} in '' | 0 | false | no) ;; *) ci=1 ;; esac

total_pass=0
total_fail=0
total_skip=0
failed_suites=""
skipped_suites=""
left_out=""
stopped=0
logdir=tests/out/$(basename "$BUILD")
rm -rf "$logdir"
mkdir -p "$logdir"

# excluded NAME: whether --without leaves NAME out
excluded() {
	case $without in
	*" $1 "*) return 0 ;;
	esac
	case $1 in
	unit/*) case $without in *" unit "*) return 0 ;; esac ;;
	esac
	return 1
}

# record NAME PASSED FAILED SKIPPED [WHY]
record() {
	r_f=$3
	r_s=$4
	r_note=""
	if [ "$ci" -eq 1 ] && [ "$r_s" -gt 0 ]; then
		r_f=$((r_f + r_s))
		r_note="  (CI: $r_s skip(s) counted as failed)"
		r_s=0
	fi
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + r_f))
	total_skip=$((total_skip + r_s))
	[ "$r_f" -ne 0 ] && failed_suites="$failed_suites $1"
	[ "$4" -ne 0 ] && skipped_suites="$skipped_suites $1"
	printf '%-28s %5d passed, %d failed, %d skipped%s\n' "$1" "$2" "$r_f" \
	    "$r_s" "$r_note"
	[ $# -ge 5 ] && echo "  SKIPPED: $5"
	if [ "$r_f" -ne 0 ] && [ "$stop_first" -eq 1 ]; then
		stopped=1
	fi
	return 0
}

# cannot_run NAME WHY: a listed suite that could not run at all.
cannot_run() {
	record "$1" 0 0 1 "$2"
}

# known_bugs LOG: how many "KNOWN BUG" lines a suite printed.
known_bugs() {
	grep -c 'KNOWN BUG' "$1"
}

# show LOG PATTERN: the lines that explain a failure or a skip.
show() {
	grep -E "$2" "$1" | grep -vE '^[0-9]+ passed, [0-9]+ failed' |
	    head -n 30 | sed 's/^/  | /'
}

# A cmocka program: its summary gives passed, failed and skipped; the
# number run must add up (a crash mid-run does not).
run_unit() {
	name=$1
	prog=$2
	log=$logdir/$(basename "$prog").log
	if [ ! -e "$prog" ]; then
		cannot_run "$name" "$prog is not built (make units)"
		return
	fi
	if [ ! -x "$prog" ]; then
		cannot_run "$name" "$prog is not executable"
		return
	fi
	"$prog" </dev/null >"$log" 2>&1
	rc=$?
	ran=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\..*/\1/p' "$log" |
	    tail -n 1)
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" |
	    tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed.*/\1/p' "$log" |
	    tail -n 1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed.*/\1/p' "$log" |
	    tail -n 1)
	p=${p:-0}
	f=${f:-0}
	s=${s:-0}
	if [ -z "$ran" ] || [ $((p + f + s)) -ne "$ran" ]; then
		echo "  (no complete cmocka summary; exit $rc; see $log)"
		tail -n 20 "$log" | sed 's/^/  | /'
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	s=$((s + $(known_bugs "$log")))
	record "$name" "$p" "$f" "$s"
	[ "$f" -ne 0 ] && show "$log" 'FAILED|ERROR|error|Sanitizer'
	[ "$s" -ne 0 ] && show "$log" 'SKIPPED \]|KNOWN BUG'
	return 0
}

# A suite script: its last "N passed, N failed[, N skipped]" line.
run_suite() {
	name=$1
	script=$2
	shift 2
	log=$logdir/$name.log
	if [ ! -e "$script" ]; then
		cannot_run "$name" "$script is missing"
		return
	fi
	if [ ! -x "$script" ]; then
		cannot_run "$name" "$script is not executable"
		return
	fi
	"$script" "$@" </dev/null >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' \
	    "$log" | tail -n 1)
	if [ -z "$line" ]; then
		record "$name" 0 1 "$(known_bugs "$log")"
		echo "  (no result line; exit $rc; see $log)"
		tail -n 20 "$log" | sed 's/^/  | /'
		return
	fi
	set -- $line
	p=$1
	f=$3
	s=${5:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	s=$((s + $(known_bugs "$log")))
	record "$name" "$p" "$f" "$s"
	[ "$f" -ne 0 ] && show "$log" 'FAIL|ERROR|error|Sanitizer'
	[ "$s" -ne 0 ] && show "$log" '[Ss][Kk][Ii][Pp]|KNOWN BUG'
	return 0
}

for u in tests/unit/test_*.c; do
	[ -e "$u" ] || continue
	[ "$stopped" -eq 0 ] || break
	n=$(basename "$u" .c)
	if excluded "unit/$n"; then
		left_out="$left_out unit/$n"
		continue
	fi
	run_unit "unit/$n" "$BUILD/tests/$n"
done

while read -r name script arg; do
	[ "$stopped" -eq 0 ] || break
	if excluded "$name"; then
		left_out="$left_out $name"
		continue
	fi
	case $arg in
	lasthop) run_suite "$name" "$script" "$LASTHOP" ;;
	*) run_suite "$name" "$script" "$BUILD" ;;
	esac
done <<EOF
$SUITES
EOF

echo
if [ -n "$failed_suites" ]; then
	echo "failed suites:$failed_suites (logs in $logdir)"
fi
if [ "$stopped" -eq 1 ]; then
	echo "stopped after the first failing suite (-x)"
fi
if [ -n "$skipped_suites" ]; then
	echo "suites with skips:$skipped_suites"
fi
if [ -n "$left_out" ]; then
	echo "not run (--without):$left_out"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
