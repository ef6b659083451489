#!/bin/bash
# check-peer.sh: does lasthop's replay of each peer capture agree with what the
# peer tool itself printed?
#
# usage: tests/peer/check-peer.sh BUILD_DIR [CAPTURES_DIR]
#
# For every CAPTURES_DIR/peer-*.pcap that has a .out beside it:
#   lasthop side: BUILD_DIR/lasthop replay --format json FILE.pcap | lasthophops.py
#   peer side:    peerhops.py FILE.json if present (dublin-traceroute), else FILE.out
# then compares the two normalized hop lists and prints "ok NAME" or
# "FAIL NAME" (with a diff), a final "N passed, M failed", and exits non-zero
# on any failure.  Replay sends nothing, so this needs no root.
#
# Comparison rules (peers print things lasthop's model need not, and the
# reverse):
#  1. A hop is its TTL and the sorted set of addresses that answered it; the
#     RTTs, flags (!X, [open]) and probe counts are not compared.
#  2. Only TTLs from the peer's first to its last printed TTL M are compared
#     (a TTL lasthop leaves out counts as silent, []).  Silent hops the peer
#     printed are compared: where traceroute printed "* * *" up to its max
#     TTL, scamper "*" up to its gap limit, mtr one "???", lasthop must not
#     have an answer either.  Beyond M nothing is compared: a tool that stops
#     at the destination or at !X does not print the probes it had already
#     sent past it (Linux traceroute sends up to 16 probes at once), while
#     lasthop sees all of them in the capture.
#  3. A peer output with no hop at all compares equal only to a lasthop
#     trace without answers.
#  4. Several flows (dublin-traceroute -n N): one lasthop trace per flow.
#     Traces are matched by destination port when lasthop prints "dport",
#     else by order (dublin's flows sorted by destination port); the counts
#     must be equal.  Rules 1-3 apply per flow.
#  5. dublin-traceroute 0.4.2 opens its ICMP socket in a thread it starts just
#     before sending, so a reply that comes back faster than that thread
#     (TTL 1 of the first flow, in the lab's sub-millisecond network) is in
#     the capture but missing from its output.  make-captures.sh retries it,
#     yet a capture may still have such a hole: for dublin, a TTL the peer
#     printed as silent is not compared (every address it printed still
#     must be lasthop's).
#  6. mtr: the report merges all rounds; its extra addresses of a hop (load
#     balancing) are part of the hop's set, as lasthop's probes of that TTL are.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:?usage: check-peer.sh BUILD_DIR [CAPTURES_DIR]}
caps=${2:-$repo/captures}
lasthop=$build/lasthop
case $lasthop in /*) ;; *) lasthop=$PWD/$lasthop ;; esac

if [ ! -x "$lasthop" ]; then
	echo "check-peer.sh: $lasthop not found or not executable (build lasthop first)" >&2
	exit 2
fi
command -v python3 >/dev/null || { echo "check-peer.sh: python3 needed" >&2; exit 2; }

tmp=$(mktemp -d /tmp/lh-peer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0

# the normalizers themselves first: a broken parser would make every
# comparison meaningless
if python3 "$here/test_peerhops.py" >"$tmp/selftest" 2>&1; then
	echo "ok   peerhops.py self-test"
	pass=$((pass + 1))
else
	echo "FAIL peerhops.py self-test"
	sed 's/^/    /' "$tmp/selftest"
	fail=$((fail + 1))
fi

compare() {
	python3 - "$1" "$2" "$3" <<'PYEOF'
import difflib, json, sys

peer = json.load(open(sys.argv[1]))
lh = json.load(open(sys.argv[2]))
lenient_silence = sys.argv[3] == "dublin"      # rule 5

def traces(x):
    # -> list of (key, {ttl: addrs}); a plain hop list is one trace, key None
    if x and isinstance(x[0], dict) and "flow" in x[0]:
        return [(t["flow"], {h["ttl"]: h["addrs"] for h in t["hops"]}) for t in x]
    return [(None, {h["ttl"]: h["addrs"] for h in x})]

P, L = traces(peer), traces(lh)
if len(P) != len(L):
    print("    peer has %d trace(s), lasthop %d" % (len(P), len(L)))
    sys.exit(1)
if len(P) > 1:
    if sorted(k for k, _ in L) == sorted(k for k, _ in P):
        Ld = dict(L)
        L = [(k, Ld[k]) for k, _ in P]           # by destination port
    # else: by order (lasthophops numbered them 1..n)

bad = False
for (pk, ph), (lk, lh_) in zip(P, L):
    if not ph:
        extra = sorted(t for t, a in lh_.items() if a)
        if extra:
            print("    flow %s: peer printed no hop, lasthop has answers at TTL %s" % (pk, extra))
            bad = True
        continue
    first, last = min(ph), max(ph)
    want = ["%2d %s" % (t, " ".join(ph.get(t, [])) or "*") for t in range(first, last + 1)]
    got = ["%2d %s" % (t, " ".join(lh_.get(t, [])) or "*") for t in range(first, last + 1)]
    if lenient_silence:
        got = [w if w.endswith(" *") else g for w, g in zip(want, got)]
    if want != got:
        bad = True
        label = "" if pk is None else " flow %s" % pk
        for ln in difflib.unified_diff(want, got, "peer" + label, "lasthop" + label, lineterm="", n=1):
            print("    " + ln)
sys.exit(1 if bad else 0)
PYEOF
}

for pcap in "$caps"/peer-*.pcap; do
	[ -e "$pcap" ] || continue
	base=${pcap%.pcap}
	name=$(basename "$base")
	[ -f "$base.out" ] || continue
	peerin=$base.out
	kind=text
	case $name in peer-dublin-*) kind=dublin ;; esac
	[ -f "$base.json" ] && peerin=$base.json
	why=""
	if ! timeout 60 "$lasthop" replay --format json "$pcap" >"$tmp/$name.lh.json" 2>"$tmp/$name.err"; then
		why="lasthop replay failed: $(head -c 300 "$tmp/$name.err" | tr '\n' ' ')"
	elif ! python3 "$here/lasthophops.py" <"$tmp/$name.lh.json" >"$tmp/$name.lh" 2>"$tmp/$name.err"; then
		why="$(head -c 300 "$tmp/$name.err")"
	elif ! python3 "$here/peerhops.py" "$peerin" >"$tmp/$name.peer" 2>"$tmp/$name.err"; then
		why="$(head -c 300 "$tmp/$name.err")"
	elif ! compare "$tmp/$name.peer" "$tmp/$name.lh" "$kind" >"$tmp/$name.diff" 2>&1; then
		why="hops differ"
	fi
	if [ -z "$why" ]; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: $why"
		[ -s "$tmp/$name.diff" ] && cat "$tmp/$name.diff"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
