#!/bin/sh
# Command-line tests: each row is an expected exit code, a string that
# standard error (or output, for exit 0) must contain, and the arguments.
set -u
LASTHOP=${1:?usage: cli.sh LASTHOP}
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'not a capture at all\n' >"$tmp/text.pcap"
: >"$tmp/empty.pcap"

check() {
	want_rc=$1
	want_msg=$2
	shift 2
	"$LASTHOP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL: lasthop $*: exit $rc, want $want_rc"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	elif ! grep -qF -- "$want_msg" "$tmp/out" "$tmp/err"; then
		echo "FAIL: lasthop $*: output lacks '$want_msg'"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 10
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

D=captures/demo-healthy.pcap
check 2 "usage:"			# no command
check 0 "usage: lasthop replay"		--help
check 0 "usage: lasthop replay"		help
check 0 "lasthop 0."			--version
check 0 "libpcap"			--version
check 2 "unknown command 'frobnicate'"	frobnicate
check 2 "no capture file given"		replay
check 2 "--gap-limit: '0' is not a whole number from 1 to 255" replay -g 0 "$D"
check 2 "--gap-limit: '256' is not a whole number from 1 to 255" replay --gap-limit 256 "$D"
check 2 "--gap-limit: 'x' is not a whole number"	replay -g x "$D"
check 2 "--gap-limit: '5x' is not a whole number"	replay -g 5x "$D"
check 2 "--window: '0' is not a number of seconds from 1 to 3600" replay --window 0 "$D"
check 2 "--window: 'nan' is not a number of seconds" replay --window nan "$D"
check 2 "--late: '-1' is not a number of seconds"	replay --late -1 "$D"
check 2 "--format: 'xml' is not one of: text, json" replay -F xml "$D"
check 2 "Try 'lasthop --help'"		replay --bogus "$D"
check 3 "$tmp/missing.pcap: No such file or directory" replay "$tmp/missing.pcap"
check 3 "$tmp/text.pcap"		replay "$tmp/text.pcap"
check 3 "$tmp/empty.pcap"		replay "$tmp/empty.pcap"
# A bad file among good ones: nothing is written at all.
check 3 "$tmp/missing.pcap"		replay "$D" "$tmp/missing.pcap"
if [ -s "$tmp/out" ]; then
	echo "FAIL: output written although an input was missing"
	fail=$((fail + 1))
fi
# -o replaces the file only when complete, and picks JSON from the name.
check 0 ""				replay -o "$tmp/r.json" "$D"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["traces"]' "$tmp/r.json" 2>/dev/null; then
	pass=$((pass + 1))
else
	echo "FAIL: -o r.json did not write a JSON result with traces"
	fail=$((fail + 1))
fi
echo keep >"$tmp/keep.json"
check 3 "missing.pcap"			replay -o "$tmp/keep.json" "$tmp/missing.pcap"
if [ "$(cat "$tmp/keep.json")" = keep ] && [ -z "$(ls "$tmp" | grep tmp)" ]; then
	pass=$((pass + 1))
else
	echo "FAIL: a failed run touched the -o file or left a temporary"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
