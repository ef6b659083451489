#!/bin/sh
# check-capture.sh: sanity-check the synthetic capture that bench/gen-capture.c
# writes: it must read back in tcpdump, and tshark must decode it without a
# malformed packet or a bad checksum, quoted headers included.
#
# Usage: bench/check-capture.sh [FILE]
#   without FILE: builds the generator and checks a 2000-packet capture
#   (bench/out/check-2k.pcap); with FILE: checks that capture instead.
# tshark is optional (not in make deps): without it, only tcpdump checks run.
# Exit: 0 clean, 1 a check failed or a tool is missing.
set -eu

cd "$(dirname "$0")/.."
OUT=bench/out
CC=${CC:-cc}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
-Wpointer-arith -Wcast-qual -Wformat=2"
fail=0

if [ $# -ge 1 ]; then
	F=$1
else
	mkdir -p "$OUT"
	# shellcheck disable=SC2086
	"$CC" -O2 -std=c11 $WARN -o "$OUT/gen-capture" bench/gen-capture.c -lpcap
	F=$OUT/check-2k.pcap
	"$OUT/gen-capture" --count 2000 "$F"
fi

command -v tcpdump >/dev/null 2>&1 || { echo "check: tcpdump not found" >&2; exit 1; }
n=$(tcpdump -nr "$F" 2>/dev/null | wc -l | tr -d ' ')
echo "tcpdump -nr: $n packets; the first ones:"
tcpdump -nr "$F" 2>/dev/null | head -n 8 | sed 's/^/  /'
echo "tcpdump -vvnr, a quoted probe (time exceeded):"
tcpdump -vvnr "$F" 'icmp[0] = 11' 2>/dev/null | head -n 3 | sed 's/^/  /'
# An RFC 792 quote of a TCP probe holds 8 bytes of its header: tcpdump marks
# it "[|tcp]", which is expected; any other truncation marker is not.
if tcpdump -vvnr "$F" 2>/dev/null |
    grep -E 'bad [a-z ]*cksum|wrong|truncated|\[\|[a-z0-9]*\]' |
    grep -v '^ *[0-9.]* > [0-9.]*: *\[|tcp\]$' | head -n 5 | grep . ; then
	echo "check: tcpdump reports damaged packets (above)"
	fail=1
fi

if ! command -v tshark >/dev/null 2>&1; then
	echo "check: tshark not installed: decoder checks skipped"
	exit $fail
fi
T="tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -r $F"
echo "tshark -Y 'icmp.type==11', the first ones:"
tshark -r "$F" -Y 'icmp.type==11' 2>/dev/null | head -n 5 | sed 's/^/  /'
bad=$(tshark -r "$F" -Y _ws.malformed 2>/dev/null | head -n 5)
if [ -n "$bad" ]; then
	echo "check: tshark finds malformed packets:"
	echo "$bad" | sed 's/^/  /'
	fail=1
else
	echo "tshark -Y _ws.malformed: none"
fi
# Status 0 is "Bad"; quoted headers are checked too.
bad=$($T -Y 'ip.checksum.status == 0 || udp.checksum.status == 0 ||
    tcp.checksum.status == 0 || icmp.checksum.status == 0 ||
    icmp.ext.checksum.status == 0' 2>/dev/null | head -n 5)
if [ -n "$bad" ]; then
	echo "check: tshark finds bad checksums:"
	echo "$bad" | sed 's/^/  /'
	fail=1
else
	good=$($T -T fields -e ip.checksum.status 2>/dev/null | tr ',' '\n' | grep -c '^1$' || true)
	echo "tshark checksums: none bad ($good IPv4 headers verified, quoted ones included)"
fi
quoted=$(tshark -r "$F" -Y 'icmp.type==11 && icmp.ext' 2>/dev/null | wc -l | tr -d ' ')
echo "tshark: $quoted time-exceeded replies carry an ICMP extension (MPLS, RFC 4950)"
[ "$fail" -eq 0 ] && echo "check: clean"
exit $fail
