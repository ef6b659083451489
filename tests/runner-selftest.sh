#!/bin/sh
# runner-selftest.sh: tests/run-tests.sh itself, run on a fake tree.
#
# A copy of the runner in a temporary directory, with a fake suite script
# for every suite it lists and fake cmocka programs, each made to pass,
# fail, skip, crash, print a known-bug marker, lose its run bit or vanish.
# Every case checks the runner's closing line and its exit status, with
# and without CI=true: a skip, a suite that cannot run and a known-bug
# marker are counted as skipped, and as failures under CI.
# One line per case, and "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
T=$(mktemp -d "${TMPDIR:-/tmp}/lh-runner.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

mkdir -p "$T/tests/unit" "$T/build/tests"
cp tests/run-tests.sh "$T/tests/run-tests.sh"
SUITES=$(sh tests/run-tests.sh --list | grep -v '^unit/')
NSUITES=$(echo "$SUITES" | wc -l)

# script PATH BODY: an executable shell script
script() {
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod 755 "$1"
}

# suite NAME BODY: the fake script of suite NAME
suite() {
	p=$(echo "$SUITES" | awk -v n="$1" '$1 == n { print $2 }')
	[ -n "$p" ] || { echo "runner lists no suite $1" >&2; exit 1; }
	script "$T/$p" "$2"
}

# unit NAME pass|skip|fail|crash: a fake cmocka program of two tests,
# printing what cmocka 1.1 prints
unit() {
	: >"$T/tests/unit/$1.c"
	head='echo "[==========] Running 2 test(s)."
echo "[==========] 2 test(s) run." >&2'
	case $2 in
	pass) body='echo "[  PASSED  ] 2 test(s)." >&2' ;;
	skip) body='echo "[  PASSED  ] 1 test(s)." >&2
echo "[  SKIPPED ] 1 test(s), listed below:" >&2
echo "[  SKIPPED ] test_two" >&2' ;;
	fail) body='echo "[  PASSED  ] 1 test(s)." >&2
echo "[  FAILED  ] 1 test(s), listed below:" >&2
echo "[  FAILED  ] test_two" >&2
exit 1' ;;
	crash) body='echo "[  PASSED  ] 1 test(s)." >&2
exit 139' ;;
	esac
	script "$T/build/tests/$1" "$head
$body"
}

# reset: every suite passes twice, two unit programs pass
reset() {
	rm -rf "$T/tests/out" "$T/ran"
	mkdir -p "$T/ran"
	echo "$SUITES" | while read -r n p; do
		suite "$n" "touch '$T/ran/$n'; echo '2 passed, 0 failed'"
	done
	unit test_a pass
	unit test_b pass
}

# case WHAT WANT_RC WANT_LAST [CI] [RUNNER OPTIONS...]: run the fake tree
case_() {
	what=$1 want_rc=$2 want_last=$3 ci=$4
	shift 4
	if [ "$ci" = ci ]; then
		CI=true sh "$T/tests/run-tests.sh" "$@" build >"$T/out" 2>&1
	else
		env -u CI sh "$T/tests/run-tests.sh" "$@" build >"$T/out" 2>&1
	fi
	rc=$?
	last=$(tail -n 1 "$T/out")
	if [ "$rc" -eq "$want_rc" ] && [ "$last" = "$want_last" ]; then
		echo "ok   $what"
		pass=$((pass + 1))
	else
		echo "FAIL $what: exit $rc, want $want_rc; last line '$last', want '$want_last'"
		sed 's/^/    | /' "$T/out"
		fail=$((fail + 1))
	fi
}

# expect WHAT COMMAND...: one more check of the last run
expect() {
	what=$1
	shift
	if "$@"; then
		echo "ok   $what"
		pass=$((pass + 1))
	else
		echo "FAIL $what"
		sed 's/^/    | /' "$T/out"
		fail=$((fail + 1))
	fi
}

script "$T/build/lasthop" 'exit 0'
ALL=$((4 + 2 * NSUITES))

reset
case_ "all pass" 0 "$ALL passed, 0 failed, 0 skipped" -
expect "every listed suite ran" [ "$(ls "$T/ran" | wc -l)" -eq "$NSUITES" ]
case_ "all pass, CI" 0 "$ALL passed, 0 failed, 0 skipped" ci

reset
unit test_b skip
case_ "cmocka skip counted" 0 "$((ALL - 1)) passed, 0 failed, 1 skipped" -
case_ "cmocka skip fails under CI" 1 "$((ALL - 1)) passed, 1 failed, 0 skipped" ci

reset
unit test_b fail
case_ "cmocka failure" 1 "$((ALL - 1)) passed, 1 failed, 0 skipped" -

reset
unit test_b crash
case_ "cmocka crash (summary does not add up)" 1 "$((ALL - 1)) passed, 1 failed, 0 skipped" -

reset
rm "$T/build/tests/test_b"
case_ "unit program not built" 0 "$((ALL - 2)) passed, 0 failed, 1 skipped" -
expect "unit program not built: said so" grep -q "SKIPPED: build/tests/test_b is not built" "$T/out"
case_ "unit program not built, CI" 1 "$((ALL - 2)) passed, 1 failed, 0 skipped" ci

reset
suite lab "echo 'lab tests skipped: they need root'; echo '0 passed, 0 failed, 1 skipped'"
case_ "lab without root: skipped" 0 "$((ALL - 2)) passed, 0 failed, 1 skipped" -
expect "lab without root: named" grep -q "suites with skips: lab" "$T/out"
case_ "lab without root, CI" 1 "$((ALL - 2)) passed, 1 failed, 0 skipped" ci

reset
chmod -x "$T/tests/peer/check-peer.sh"
case_ "suite not executable: skipped" 0 "$((ALL - 2)) passed, 0 failed, 1 skipped" -
expect "suite not executable: said so" grep -q "SKIPPED: tests/peer/check-peer.sh is not executable" "$T/out"
case_ "suite not executable, CI" 1 "$((ALL - 2)) passed, 1 failed, 0 skipped" ci

reset
rm "$T/tests/synth/run.sh"
case_ "suite missing: skipped" 0 "$((ALL - 2)) passed, 0 failed, 1 skipped" -
expect "suite missing: said so" grep -q "SKIPPED: tests/synth/run.sh is missing" "$T/out"
case_ "suite missing, CI" 1 "$((ALL - 2)) passed, 1 failed, 0 skipped" ci

reset
suite golden "echo 'KNOWN BUG: something'; echo '2 passed, 0 failed'"
case_ "known-bug marker: skipped" 0 "$ALL passed, 0 failed, 1 skipped" -
case_ "known-bug marker, CI" 1 "$ALL passed, 1 failed, 0 skipped" ci

reset
suite cli "echo '1 passed, 2 failed, 3 skipped'; exit 1"
case_ "suite counts with skips" 1 "$((ALL - 1)) passed, 2 failed, 3 skipped" -

reset
suite cli "echo '2 passed, 0 failed'; exit 3"
case_ "non-zero exit with no failure counted" 1 "$ALL passed, 1 failed, 0 skipped" -

reset
suite cli "echo 'all good'"
case_ "no result line" 1 "$((ALL - 2)) passed, 1 failed, 0 skipped" -

reset
suite golden "echo '1 passed, 1 failed'; exit 1"
case_ "-x stops at the first failing suite" 1 "5 passed, 1 failed, 0 skipped" - -x
expect "-x: nothing after it ran" test ! -e "$T/ran/synth" -a ! -e "$T/ran/lab"
expect "-x: the failing suite is named" grep -q "^failed suites: golden " "$T/out"

reset
case_ "--without" 0 "$((ALL - 6)) passed, 0 failed, 0 skipped" - --without lab,unit
expect "--without: left out, and named" \
    grep -q "not run (--without): unit/test_a unit/test_b lab" "$T/out"
expect "--without: lab did not run" [ ! -e "$T/ran/lab" ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
