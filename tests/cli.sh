#!/bin/sh
# Command-line tests: each row is an expected exit code, a string that
# standard error (or output, for exit 0) must contain, and the arguments.
# A check that cannot run here (the privilege drop without root, the thread
# checks without strace or a second CPU) is counted as skipped.
set -u
LASTHOP=${1:?usage: cli.sh LASTHOP}
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
skip=0
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
	elif [ -n "$want_msg" ] && ! grep -qF -- "$want_msg" "$tmp/out" "$tmp/err"; then
		echo "FAIL: lasthop $*: output lacks '$want_msg'"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 10
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

D=captures/demo-healthy.pcap
check 2 "usage:"			# no command
check 0 "lasthop replay [options] FILE"	--help
check 0 "lasthop trace [options] TARGET"	help
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
# --filter: a pcap expression, checked against each file's link type
I=captures/synth-interleaved-noise.pcap
check 2 "--filter 'udp[[': can't parse filter expression" replay --filter 'udp[[' "$I"
check 2 "--filter 'vlan': no VLAN support for Raw IP" replay --filter vlan captures/synth-linktype-raw.pcap
check 0 "175.45.177.10, icmp"			replay --filter icmp "$I"
# --dst: an address or a prefix
check 2 "--dst: 'x' is not an IPv4 address"	replay --dst x "$I"
check 2 "--dst: '1.2.3.4/33': the prefix length"	replay --dst 1.2.3.4/33 "$I"
check 2 "is not an IPv4 address or prefix"	replay --dst 1111.2222.3333.4444/8 "$I"
check 0 "no traceroute traffic found"		replay --dst 10.0.0.0/8 "$I"
check 0 "-> 175.45.176.71, udp"			replay --dst 175.45.176.71/32 "$I"
check 2 "--format: 'xml' is not one of: text, json" replay -F xml "$D"
check 2 "Try 'lasthop --help'"		replay --bogus "$D"
check 2 "--no-verdict cannot go with --baseline" replay --no-verdict --baseline "$D" "$D"
check 2 "--threads: '3' is not a whole number from 1 to 2" replay --threads 3 "$D"
check 2 "--threads: '0' is not a whole number from 1 to 2" replay --threads 0 "$D"
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

# analyze: pasted text; errors name the file and the line.
printf 'traceroute to 175.45.176.71 (175.45.176.71), 30 hops max\n 1  100.64.0.1  0.5 ms\n 2  300.1.1.1  1.0 ms\n' >"$tmp/bad.txt"
printf 'hello\n' >"$tmp/none.txt"
check 2 "analyze: no file given"			analyze
check 2 "--target: 'x' is not an IPv4 address"	analyze --target x "$tmp/bad.txt"
check 2 "-s: '1.2.3' is not an IPv4 address"	analyze -s 1.2.3 "$tmp/bad.txt"
check 3 "$tmp/bad.txt:3:"			analyze "$tmp/bad.txt"
check 3 "$tmp/none.txt: no traceroute output found"	analyze "$tmp/none.txt"
check 3 "$tmp/missing.txt"			analyze "$tmp/missing.txt"
check 0 "verdict: died"				analyze tests/textimport/lab-linux-silent.txt

# trace: every number is range-checked before anything is opened.
T=175.45.176.71
check 2 "-q: '0' is not a whole number from 1 to 10"	trace -q 0 $T
check 2 "-q: '11' is not a whole number from 1 to 10"	trace -q 11 $T
check 2 "-m: '0' is not a whole number from 1 to 255"	trace -m 0 $T
check 2 "-f: '256' is not a whole number from 1 to 255"	trace -f 256 $T
check 2 "-f 10 is larger than -m 5"			trace -f 10 -m 5 $T
check 2 "-w: '0' is not a number of seconds from 0.01 to 60" trace -w 0 $T
check 2 "-p: '70000' is not a whole number from 1 to 65535" trace -p 70000 $T
check 2 "--rate: '0' is not a whole number from 1 to 10000" trace -r 0 $T
check 2 "--retries: '6' is not a whole number from 0 to 5" trace --retries 6 $T
check 2 "--window: '0' is not a whole number from 1 to 255" trace -N 0 $T
check 2 "--payload: '7' is not a whole number from 8 to 1472" trace --payload 7 $T
check 2 "--payload: '1473' is not a whole number from 8 to 1472" trace --payload 1473 $T
check 2 "--payload: tcp-ack probes carry no payload"	trace --payload 100 -M tcp-ack $T
check 2 "--method: 'sctp' is not one of: udp, icmp, tcp, tcp-ack" trace -M sctp $T
check 2 "-s: 'nowhere' is not an IPv4 address"		trace -s nowhere $T
check 2 "trace: give exactly one target"		trace
check 2 "trace: give exactly one target"		trace $T $T
check 2 "--no-save cannot go with --dry-run"		trace --no-save --dry-run $T
# --dry-run writes the probes without any socket; replay reads them back.
check 0 "dry run: 12 tcp probes written"	trace --dry-run -T -m 4 -s 100.64.0.2 --write "$tmp/dry.pcap" $T
check 0 "tcp-syn"				replay "$tmp/dry.pcap"
check 0 "dry run: 2 icmp probes written"	trace --dry-run -I --payload 1400 -m 2 -q 1 -s 100.64.0.2 --write "$tmp/big.pcap" $T
check 0 "\"size\":1428"			replay -F json "$tmp/big.pcap"
# Without privileges: say what is missing and how to grant it.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	cp "$LASTHOP" "$tmp/lasthop-unpriv"
	chmod 755 "$tmp" "$tmp/lasthop-unpriv"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	    "$tmp/lasthop-unpriv" trace --no-save 127.0.0.1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 5 ] && grep -q "CAP_NET_RAW" "$tmp/err" &&
	    grep -q "setcap cap_net_raw,cap_net_admin+ep" "$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL: unprivileged trace: exit $rc, want 5 and a setcap hint"
		cat "$tmp/err"
		fail=$((fail + 1))
	fi
else
	echo "SKIP: unprivileged trace: needs root and setpriv to drop to nobody"
	skip=$((skip + 1))
fi

# The replay worker changes nothing: every capture, several files in one
# run (a drain between files), a damaged one among them (its warning after
# its traces), text and JSON, the same bytes and exit code with one thread
# or two; and with two, the worker really runs (a second thread exists).
same_threads() {
	"$LASTHOP" replay --threads 1 "$@" >"$tmp/t1" 2>"$tmp/e1"
	rc1=$?
	"$LASTHOP" replay --threads 2 "$@" >"$tmp/t2" 2>"$tmp/e2"
	rc2=$?
	if [ "$rc1" -ne "$rc2" ] || ! cmp -s "$tmp/t1" "$tmp/t2" ||
	    ! cmp -s "$tmp/e1" "$tmp/e2" || [ ! -s "$tmp/t1" ]; then
		echo "FAIL: replay --threads 1 and 2 differ: $* (exit $rc1, $rc2)"
		diff "$tmp/t1" "$tmp/t2" | head -n 5
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
same_threads captures/*.pcap
same_threads -F json captures/*.pcap
same_threads --no-verdict captures/*.pcap
same_threads --baseline captures/lab-healthy-udp.pcap captures/lab-border-udp.pcap
same_threads captures/lab-border-udp.pcap tests/malformed/trunc-record-data.pcap \
    captures/lab-healthy-udp.pcap
if [ "$rc1" -ne 4 ] || ! grep -q "trunc-record-data.pcap" "$tmp/e2"; then
	echo "FAIL: damaged capture among good ones: exit $rc1, want 4 and a warning"
	fail=$((fail + 1))
fi
# (strace: make deps installs it; skipped only where ptrace is forbidden.)
# A thread is a clone with CLONE_THREAD: LeakSanitizer's own helper task,
# in the ASan build, is not one (and LeakSanitizer cannot run under
# ptrace, so it is off for these two runs).
threads_started() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	    strace -f -e trace=clone,clone3 -o "$tmp/strace" "$@" \
	    >/dev/null 2>&1
	grep -q "CLONE_THREAD" "$tmp/strace"
}
if [ "$(nproc)" -gt 1 ] && strace -o /dev/null true 2>/dev/null; then
	if threads_started "$LASTHOP" replay --threads 2 "$D"; then
		pass=$((pass + 1))
	else
		echo "FAIL: replay --threads 2 started no worker thread"
		fail=$((fail + 1))
	fi
	# Without --threads, a process that may run on one CPU starts none.
	if threads_started taskset -c 0 "$LASTHOP" replay "$D"; then
		echo "FAIL: replay pinned to one CPU started a worker thread"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
else
	echo "SKIP: worker-thread checks: need strace (ptrace allowed) and 2 CPUs"
	skip=$((skip + 2))
fi

# ---- the AS image (lasthop asdb, --asdb, LASTHOP_ASDB, the search) ----
ASDB_VER=$(sed -n 's/^version=//p' tools/asdb.pin)
NYC=tests/asdb/nyc-tata-unicom.txt
# The image make deps built is the one found, and --version names it.
check 0 "AS image: @ip-location-db/asn $ASDB_VER"	--version
check 0 "embedded AS data: lasthop-embedded"		--version
check 0 "verified: every interval"			asdb info --verify
# A small image compiled from CSV in the package's format.
check 0 "11 ranges, 6 ASes; skipped 2 IPv6"	asdb build --name small-test \
    --version 7 -o "$tmp/small.asdb" tests/asdb/small.csv
check 0 "dataset: small-test"			asdb info "$tmp/small.asdb"
check 0 "8.8.8.8 AS15169 8.8.8.0-8.8.8.255 Google LLC" \
    asdb lookup --asdb "$tmp/small.asdb" 8.8.8.8
check 0 "2.26.200.1 AS201907 2.26.200.0-2.26.215.255 LLC \"SPUTNIK\"" \
    asdb lookup --asdb "$tmp/small.asdb" 2.26.200.1
check 0 "9.9.9.9 -"				asdb lookup --asdb "$tmp/small.asdb" 9.9.9.9
printf '8.8.8.8\n1.0.0.1\n' | "$LASTHOP" asdb lookup --asdb "$tmp/small.asdb" >"$tmp/out" 2>&1
if [ "$(cut -d' ' -f2 "$tmp/out" | tr '\n' ' ')" = "AS15169 AS13335 " ]; then
	pass=$((pass + 1))
else
	echo "FAIL: asdb lookup from standard input"; cat "$tmp/out"
	fail=$((fail + 1))
fi
check 3 "tests/asdb/bad-row.csv:3: bad AS number 'AS15169'" \
    asdb build -o "$tmp/bad.asdb" tests/asdb/bad-row.csv
if [ -e "$tmp/bad.asdb" ]; then
	echo "FAIL: asdb build left an image after a malformed row"
	fail=$((fail + 1))
fi
check 2 "asdb build: give -o IMAGE"		asdb build tests/asdb/small.csv
check 2 "asdb: unknown subcommand"		asdb frobnicate
check 2 "'x' is not an IPv4 address"		asdb lookup x
# --asdb and LASTHOP_ASDB choose the image; the result names it.
check 0 '{"kind":"image","name":"small-test","version":"7"}' \
    analyze -F json --asdb "$tmp/small.asdb" "$NYC"
check 0 "4-6 AS6453 TATA COMMUNICATIONS (AMERICA) INC (transit)" \
    analyze --asdb "$tmp/small.asdb" "$NYC"
LASTHOP_ASDB="$tmp/small.asdb" check 0 '"name":"small-test"' analyze -F json "$NYC"
LASTHOP_ASDB="$tmp/small.asdb" check 0 '"name":"small-test"' replay -F json "$D"
check 0 '"as_data":[{"kind":"embedded","name":"lasthop-embedded","version":"1"},{"kind":"asmap","file":"tests/asdb/small.csv","format":"ip-location-db"},{"kind":"image","name":"@ip-location-db/asn"' \
    analyze -F json --asmap tests/asdb/small.csv "$NYC"
check 0 "2-3 AS12271 Charter Communications Inc (transit)" \
    analyze --no-asdb --asmap ip-location-db:tests/asdb/small.csv "$NYC"
check 3 "tests/asdb/bad-row.csv:3: bad AS number"	analyze --asmap tests/asdb/bad-row.csv "$NYC"
# Named images must exist and be whole; errors name the file.
check 3 "$tmp/none.asdb: No such file"		replay --asdb "$tmp/none.asdb" "$D"
LASTHOP_ASDB="$tmp/none.asdb" check 3 "$tmp/none.asdb: No such file" replay "$D"
head -c 1000 "$tmp/small.asdb" >"$tmp/cut.asdb"
check 3 "$tmp/cut.asdb: truncated or extended"	analyze --asdb "$tmp/cut.asdb" "$NYC"
check 3 "$tmp/cut.asdb: truncated"		asdb info "$tmp/cut.asdb"
check 3 "tests/asdb/small.csv: not a lasthop AS image" replay --asdb tests/asdb/small.csv "$D"
check 2 "--no-verdict cannot go with --asdb"	replay --no-verdict --asdb "$tmp/small.asdb" "$D"
# --no-asdb: the embedded set alone, and no note about it.
check 0 '"as_data":[{"kind":"embedded","name":"lasthop-embedded","version":"1"}],' \
    analyze -F json --no-asdb "$NYC"
if grep -q "no AS image" "$tmp/err"; then
	echo "FAIL: --no-asdb printed the missing-image note"
	fail=$((fail + 1))
fi
# The image hidden: a copy of the program in a directory without data/ or
# ../share/lasthop finds none, says so in one line, and the embedded set
# still serves.
mkdir -p "$tmp/hide/bin"
cp "$LASTHOP" "$tmp/hide/bin/lasthop"
hidden() {
	env -u LASTHOP_ASDB "$tmp/hide/bin/lasthop" "$@" >"$tmp/out" 2>"$tmp/err"
}
if hidden analyze "$NYC" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "no AS image (asn-ipv4.asdb) found" "$tmp/err" &&
    grep -q "2-6 (unknown); 7-10 AS4837 CHINA169-BACKBONE (upstream)" "$tmp/out"; then
	pass=$((pass + 1))
else
	echo "FAIL: without an image: want one note and the embedded data"
	sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 20
	fail=$((fail + 1))
fi
if hidden --version && grep -q "^AS image: none found" "$tmp/out"; then
	pass=$((pass + 1))
else
	echo "FAIL: --version without an image"; cat "$tmp/out"
	fail=$((fail + 1))
fi
if hidden replay -F json "$D" &&
    grep -q '"as_data":\[{"kind":"embedded","name":"lasthop-embedded","version":"1"}\]' "$tmp/out" &&
    grep -q '"asn":4837' "$tmp/out"; then
	pass=$((pass + 1))
else
	echo "FAIL: replay without an image: the embedded set must still serve"
	head -c 600 "$tmp/err"
	fail=$((fail + 1))
fi
# ... and data/ beside the program is where a source tree keeps it.
mkdir -p "$tmp/hide/bin/data"
cp "$tmp/small.asdb" "$tmp/hide/bin/data/asn-ipv4.asdb"
if hidden --version && grep -q "^AS image: small-test 7 ($tmp/hide/bin/data/asn-ipv4.asdb)" "$tmp/out"; then
	pass=$((pass + 1))
else
	echo "FAIL: the image in data/ beside the program was not found"; cat "$tmp/out"
	fail=$((fail + 1))
fi

# An image the search finds but cannot read (trace reads it after the
# privilege drop): one warning, and the run goes on without it.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -p "$tmp/perm/bin/data"
	cp "$LASTHOP" "$tmp/perm/bin/lasthop"
	cp "$tmp/small.asdb" "$tmp/perm/bin/data/asn-ipv4.asdb"
	chmod 600 "$tmp/perm/bin/data/asn-ipv4.asdb"
	cp "$NYC" "$tmp/perm/nyc.txt"	# the tree may be closed to nobody
	chmod 755 "$tmp" "$tmp/perm" "$tmp/perm/bin" "$tmp/perm/bin/data"
	chmod 644 "$tmp/perm/nyc.txt"
	env -u LASTHOP_ASDB setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$tmp/perm/bin/lasthop" analyze "$tmp/perm/nyc.txt" >"$tmp/out" \
	    2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "asn-ipv4.asdb: Permission denied" "$tmp/err" &&
	    grep -q "AS4837" "$tmp/out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: unreadable image: exit $rc, want 0 and a warning"
		cat "$tmp/err"
		fail=$((fail + 1))
	fi
fi

# make install puts the binary, the manual and the AS image under
# DESTDIR/PREFIX, where the installed binary finds the image.
if make -s install DESTDIR="$tmp/inst" PREFIX=/usr >"$tmp/out" 2>&1 &&
    [ -x "$tmp/inst/usr/bin/lasthop" ] &&
    [ -f "$tmp/inst/usr/share/man/man1/lasthop.1" ] &&
    [ -f "$tmp/inst/usr/share/lasthop/ROUTEVIEWS-LICENSE" ] &&
    "$tmp/inst/usr/bin/lasthop" --version | grep -q "^lasthop " &&
    env -u LASTHOP_ASDB "$tmp/inst/usr/bin/lasthop" --version |
    grep -q "^AS image: @ip-location-db/asn $ASDB_VER ($tmp/inst/usr/share/lasthop/asn-ipv4.asdb)"; then
	pass=$((pass + 1))
else
	echo "FAIL: make install DESTDIR=... PREFIX=/usr"
	cat "$tmp/out"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
