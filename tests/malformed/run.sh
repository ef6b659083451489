#!/bin/sh
# run.sh: replay every malformed capture through lasthop, as text and JSON,
# and check that it fails cleanly, the way tests/malformed/EXPECTED says.
#
# Usage: tests/malformed/run.sh LASTHOP_BINARY
#
# For each file: the exit code must be 0 (valid but odd), 3 (unreadable or
# not a capture) or 4 (truncated: partial results), and the one EXPECTED
# names; never a signal, a hang or a sanitizer report; a non-zero exit must
# name the file on stderr.  Regenerate the corpus with make-corpus.py.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 LASTHOP_BINARY" >&2
	exit 2
fi
lasthop=$1
case $lasthop in
*/*) ;;
*) lasthop=./$lasthop ;;
esac
if [ ! -x "$lasthop" ]; then
	echo "$0: $lasthop: not an executable" >&2
	exit 2
fi

dir=$(cd "$(dirname "$0")" && pwd)
timeout=${MALFORMED_TIMEOUT:-30}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lh-malformed.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0

# check FILE EXPECTED ARGS...: run lasthop ARGS; print why it failed, if so.
check() {
	file=$1 want=$2
	shift 2
	timeout "$timeout" "$lasthop" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 124 ]; then
		echo "timed out after ${timeout}s"
	elif [ "$rc" -ge 128 ]; then
		echo "killed by signal $((rc - 128))"
	elif grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
		echo "sanitizer report: $(grep -m1 'Sanitizer\|runtime error' "$tmp/err")"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ] && [ "$rc" -ne 4 ]; then
		echo "exit $rc (allowed: 0, 3, 4): $(head -c 200 "$tmp/err")"
	elif [ "$rc" -ne "$want" ]; then
		echo "exit $rc, expected $want: $(head -c 200 "$tmp/err")"
	elif [ "$rc" -ne 0 ] && ! grep -qF "$file" "$tmp/err"; then
		echo "stderr does not name the file: $(head -c 200 "$tmp/err")"
	fi
}

listed=" "
while read -r file want rest; do
	case $file in
	'' | '#'*) continue ;;
	esac
	listed="$listed$file "
	why=""
	if [ ! -f "$dir/$file" ]; then
		why="missing (run make-corpus.py)"
	else
		case $want in
		0 | 3 | 4) ;;
		*) why="EXPECTED gives exit '$want'; allowed: 0, 3, 4" ;;
		esac
	fi
	if [ -z "$why" ]; then
		why=$(check "$file" "$want" replay "$dir/$file")
		[ -n "$why" ] && why="text: $why"
	fi
	if [ -z "$why" ]; then
		why=$(check "$file" "$want" replay --format json "$dir/$file")
		[ -n "$why" ] && why="json: $why"
	fi
	if [ -z "$why" ]; then
		echo "ok   $file"
		passed=$((passed + 1))
	else
		echo "FAIL $file: $why"
		failed=$((failed + 1))
	fi
done <"$dir/EXPECTED"

# Every capture in the folder must have an expectation.
for path in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -e "$path" ] || continue
	file=$(basename "$path")
	case $listed in
	*" $file "*) ;;
	*)
		echo "FAIL $file: not listed in EXPECTED"
		failed=$((failed + 1))
		;;
	esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
