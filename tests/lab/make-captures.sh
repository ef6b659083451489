#!/bin/bash
# make-captures.sh: regenerate captures/peer-*.pcap/.out and captures/demo-healthy.pcap
# by running peer traceroute tools inside the namespace lab (tests/lab/lab.sh).
#
# usage: tests/lab/make-captures.sh [OUTDIR] [NAME-GLOB]   (as root)
#   OUTDIR defaults to captures/ of this repository; NAME-GLOB (e.g. '*mtr*')
#   regenerates only the matching captures.
#
# Each capture: the scenario is applied, tcpdump listens on vp's eth0 (inside
# vp), the tool runs inside vp bounded by `timeout`, then tcpdump is stopped.
# The tool's printed text (stdout and stderr, line-buffered, in the order
# printed) is saved beside the pcap as .out.  Nothing runs in the root namespace.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/captures}
only=${2:-*}

if [ "$(id -u)" -ne 0 ]; then
	echo "make-captures.sh: must run as root (network namespaces, raw sockets)" >&2
	exit 1
fi
for t in tcpdump traceroute mtr mtr-packet scamper tcptraceroute dublin-traceroute python3 stdbuf; do
	command -v "$t" >/dev/null 2>&1 || { echo "make-captures.sh: missing $t" >&2; exit 1; }
done

# shellcheck source=tests/lab/lab.sh
. "$here/lab.sh"
lab_trap
tmp=$(mktemp -d /tmp/lh-captures.XXXXXX)
trap 'lab_cleanup; rm -rf "$tmp"' EXIT
trap 'lab_cleanup; rm -rf "$tmp"; trap - EXIT; exit 130' INT
trap 'lab_cleanup; rm -rf "$tmp"; trap - EXIT; exit 143' TERM HUP
mkdir -p "$out"

T=$LAB_NKT
TOOL_TIMEOUT=60
EMU=(python3 -u "$here/tracert-emulate.py")
LAST_RC=0

# wanted NAME: NAME matches the NAME-GLOB argument.
wanted() {
	# shellcheck disable=SC2254  # NAME-GLOB is a glob on purpose
	case $1 in $only) return 0 ;; esac
	return 1
}

# capture_once NAME SCENARIO CMD...: one run; false when tcpdump lost packets.
capture_once() {
	local name=$1 scn=$2; shift 2
	lab_scenario "$scn"
	local pcap=$tmp/$name.pcap txt=$tmp/$name.out err=$tmp/$name.tcpdump
	rm -rf "$tmp/run-$name" "$pcap" "$txt" "$err"
	mkdir -p "$tmp/run-$name"
	lab_bg vp timeout 120 tcpdump -i "$LAB_VP_IF" -n -U --immediate-mode -s 1600 -B 8192 -Z root -w "$pcap" 2>"$err"
	local dump=$LAB_LASTPID
	for _ in $(seq 100); do
		grep -q "listening on" "$err" 2>/dev/null && break
		sleep 0.05
	done
	grep -q "listening on" "$err" || { cat "$err" >&2; lab_die "tcpdump did not start"; }
	local rc=0
	(cd "$tmp/run-$name" && lab_exec vp timeout "$TOOL_TIMEOUT" \
		stdbuf -oL -eL "$@" >"$txt" 2>&1) || rc=$?
	# late replies, and a busy machine: stop tcpdump only once its file has
	# stopped growing (at least 0.5 s, at most 10 s)
	local size=-1 now
	for _ in $(seq 20); do
		sleep 0.5
		now=$(wc -c <"$pcap" 2>/dev/null || echo 0)
		[ "$now" = "$size" ] && break
		size=$now
	done
	kill -TERM "$dump" 2>/dev/null || true
	wait "$dump" 2>/dev/null || true
	[ "$rc" -ne 124 ] || echo "make-captures.sh: $name: tool timed out" >&2
	LAST_RC=$rc
	# tcpdump's own count: every packet the filter received must be written
	local got recv drop
	got=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$err")
	recv=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter.*/\1/p' "$err")
	drop=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$err")
	if [ -z "$got" ] || [ "$got" != "$recv" ] || [ "${drop:-1}" != 0 ]; then
		echo "make-captures.sh: $name: tcpdump wrote ${got:-?} of ${recv:-?} packets, ${drop:-?} dropped" >&2
		return 1
	fi
	return 0
}

# capture NAME SCENARIO CMD...: files NAME.pcap and NAME.out (and NAME.json
# when the tool wrote trace.json); rerun, at most 3 times, if tcpdump lost
# packets.
capture() {
	local name=$1
	wanted "$name" || return 0
	local try
	for try in 1 2 3; do
		capture_once "$@" && break
		[ "$try" -lt 3 ] || echo "make-captures.sh: $name: keeping an incomplete capture" >&2
	done
	cp "$tmp/$name.pcap" "$out/$name.pcap"
	cp "$tmp/$name.out" "$out/$name.out"
	rm -f "$out/$name.json"
	if [ -f "$tmp/run-$name/trace.json" ]; then
		cp "$tmp/run-$name/trace.json" "$out/$name.json"
	fi
	printf '%-44s rc=%-3s %6s bytes\n' "$name" "$LAST_RC" "$(wc -c <"$out/$name.pcap")"
}

lab_build
lab_serve

# --- every tool, healthy path -------------------------------------------------
TR=(traceroute -n -w 1 -q 3 -m 8)
SC=(scamper -O text -p 100 -c)
SCO="-q 2 -w 1 -m 8"
capture peer-traceroute-udp-healthy        healthy "${TR[@]}" "$T"
capture peer-traceroute-icmp-healthy       healthy "${TR[@]}" -I "$T"
capture peer-traceroute-tcp-healthy        healthy "${TR[@]}" -T -p 80 "$T"
capture peer-mtr-icmp-healthy              healthy mtr -r -n -c 2 -i 0.2 -G 1 -m 8 "$T"
capture peer-mtr-udp-healthy               healthy mtr -r -n -c 2 -i 0.2 -G 1 -m 8 -u "$T"
capture peer-scamper-udp-healthy           healthy "${SC[@]}" "trace -P udp $SCO" -i "$T"
capture peer-scamper-udp-paris-healthy     healthy "${SC[@]}" "trace -P udp-paris $SCO" -i "$T"
capture peer-scamper-icmp-healthy          healthy "${SC[@]}" "trace -P icmp $SCO" -i "$T"
capture peer-scamper-icmp-paris-healthy    healthy "${SC[@]}" "trace -P icmp-paris $SCO" -i "$T"
capture peer-scamper-tcp-healthy           healthy "${SC[@]}" "trace -P tcp -d 80 $SCO" -i "$T"
capture peer-tcptraceroute-tcp-healthy     healthy tcptraceroute -n -w 1 -q 3 -m 8 "$T" 80
# dublin-traceroute 0.4.2 sometimes misses a reply that is on the wire (with
# the lab's sub-millisecond RTTs the first reply can beat its sniffer); the
# reference run is retried, at most 3 times, until every hop before the last
# has its reply in trace.json.  A capture that still has a hole is kept, and
# make-captures.sh says so.
dublin_complete() {
	python3 - "$1" <<'PYEOF'
import json, sys
flows = json.load(open(sys.argv[1]))["flows"]
sys.exit(0 if flows and all(all(e.get("received") for e in f) for f in flows.values()) else 1)
PYEOF
}
for attempt in 1 2 3; do
	capture peer-dublin-udp-healthy healthy dublin-traceroute -n 2 -T 8 "$T"
	wanted peer-dublin-udp-healthy || break
	dublin_complete "$out/peer-dublin-udp-healthy.json" && break
	echo "make-captures.sh: dublin-traceroute missed a reply (attempt $attempt)" >&2
done
capture peer-tracert-emulated-icmp-healthy healthy "${EMU[@]}" -h 8 -w 1000 "$T"

# --- failure scenarios ----------------------------------------------------------
for s in silent unreach hidden; do
	capture peer-traceroute-udp-$s  $s "${TR[@]}" "$T"
	capture peer-traceroute-icmp-$s $s "${TR[@]}" -I "$T"
	capture peer-traceroute-tcp-$s  $s "${TR[@]}" -T -p 80 "$T"
done
capture peer-scamper-udp-paris-silent   silent  "${SC[@]}" "trace -P udp-paris $SCO" -i "$T"
capture peer-scamper-icmp-paris-unreach unreach "${SC[@]}" "trace -P icmp-paris $SCO" -i "$T"
capture peer-scamper-tcp-hidden         hidden  "${SC[@]}" "trace -P tcp -d 80 $SCO" -i "$T"

# --- extra scenarios --------------------------------------------------------------
capture peer-traceroute-tcp-nkquiet     nkquiet "${TR[@]}" -T -p 80 "$T"
capture peer-traceroute-udp-ttk         ttk     "${TR[@]}" "$T"

# --- middleboxes that rewrite what routers quote (issue 10) --------------------
capture peer-traceroute-udp-ipid        ipid    "${TR[@]}" "$T"
capture peer-traceroute-udp-csum        csum    "${TR[@]}" "$T"
capture peer-traceroute-udp-frag        frag    "${TR[@]}" "$T" 1428

# --- the README's demo: Linux traceroute UDP, healthy ------------------------------
if wanted demo-healthy; then
	cp "$out/peer-traceroute-udp-healthy.pcap" "$out/demo-healthy.pcap"
	echo "demo-healthy.pcap = peer-traceroute-udp-healthy.pcap"
fi

lab_cleanup
lab_check_isolation
echo "captures written to $out"
