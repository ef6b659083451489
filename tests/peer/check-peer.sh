#!/bin/bash
# check-peer.sh: does lasthop's replay of each peer capture agree with what the
# peer tool itself printed?
#
# usage: tests/peer/check-peer.sh BUILD_DIR [CAPTURES_DIR]
#
# For every CAPTURES_DIR/peer-*.pcap that has a .out beside it:
#   lasthop side: BUILD_DIR/lasthop replay --format json FILE.pcap, through
#                 lasthophops.normalize()
#   peer side:    FILE.json if present (dublin-traceroute), else FILE.out,
#                 through peerhops.normalize()
# then compares the two normalized hop lists and prints "ok NAME" or
# "FAIL NAME" (with a diff), a final "N passed, M failed", and exits non-zero
# on any failure.  The normalizing and comparing of all captures happen in
# one Python process (a start-up per capture made this suite the slowest).
# Replay sends nothing, so this needs no root.
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

# lasthop's side: one replay per capture (CAPTURE<TAB>KIND<TAB>PEER OUTPUT
# <TAB>LASTHOP JSON, or the replay's error, per line of the work list)
: >"$tmp/work"
for pcap in "$caps"/peer-*.pcap; do
	[ -e "$pcap" ] || continue
	base=${pcap%.pcap}
	name=$(basename "$base")
	[ -f "$base.out" ] || continue
	peerin=$base.out
	kind=text
	case $name in peer-dublin-*) kind=dublin ;; esac
	[ -f "$base.json" ] && peerin=$base.json
	if timeout 60 "$lasthop" replay --format json "$pcap" \
	    >"$tmp/$name.lh.json" 2>"$tmp/$name.err"; then
		err=""
	else
		err="lasthop replay failed: $(head -c 300 "$tmp/$name.err" | tr '\n\t' '  ')"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$peerin" \
	    "$tmp/$name.lh.json" "$err" >>"$tmp/work"
done

# Both sides normalized and compared in one Python process (its start-up
# is most of the time a capture would otherwise take).
rc=0
python3 - "$here" "$tmp/work" >"$tmp/result" 2>&1 <<'PYEOF' || rc=1
import difflib, json, sys

sys.path.insert(0, sys.argv[1])
import lasthophops
import peerhops


def traces(x):
    # -> list of (key, {ttl: addrs}); a plain hop list is one trace, key None
    if x and isinstance(x[0], dict) and "flow" in x[0]:
        return [(t["flow"], {h["ttl"]: h["addrs"] for h in t["hops"]}) for t in x]
    return [(None, {h["ttl"]: h["addrs"] for h in x})]


def compare(peer, lh, lenient_silence):
    """The differences, as lines to print ([] when the two agree)."""
    out = []
    P, L = traces(peer), traces(lh)
    if len(P) != len(L):
        return ["    peer has %d trace(s), lasthop %d" % (len(P), len(L))]
    if len(P) > 1:
        if sorted(k for k, _ in L) == sorted(k for k, _ in P):
            Ld = dict(L)
            L = [(k, Ld[k]) for k, _ in P]           # by destination port
        # else: by order (lasthophops numbered them 1..n)
    for (pk, ph), (lk, lh_) in zip(P, L):
        if not ph:
            extra = sorted(t for t, a in lh_.items() if a)
            if extra:
                out.append("    flow %s: peer printed no hop, lasthop has answers at TTL %s" % (pk, extra))
            continue
        first, last = min(ph), max(ph)
        want = ["%2d %s" % (t, " ".join(ph.get(t, [])) or "*") for t in range(first, last + 1)]
        got = ["%2d %s" % (t, " ".join(lh_.get(t, [])) or "*") for t in range(first, last + 1)]
        if lenient_silence:                      # rule 5
            got = [w if w.endswith(" *") else g for w, g in zip(want, got)]
        if want != got:
            label = "" if pk is None else " flow %s" % pk
            if not out:
                out.append("")
            for ln in difflib.unified_diff(want, got, "peer" + label, "lasthop" + label, lineterm="", n=1):
                out.append("    " + ln)
    return [x for x in out if x != ""]


for line in open(sys.argv[2]):
    name, kind, peerin, lhjson, err = line.rstrip("\n").split("\t")
    diff = []
    if not err:
        try:
            lh = lasthophops.normalize(json.load(open(lhjson)))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            err = "lasthophops.py: bad lasthop JSON: %s" % e
    if not err:
        try:
            text = open(peerin, encoding="utf-8", errors="replace").read()
            _fmt, peer = peerhops.normalize(text)
        except (ValueError, KeyError, TypeError) as e:
            err = "peerhops.py: %s: %s" % (peerin, e)
    if not err:
        diff = compare(peer, lh, kind == "dublin")
        if diff:
            err = "hops differ"
    if err:
        print("FAIL %s: %s" % (name, err))
        for d in diff:
            print(d)
    else:
        print("ok   %s" % name)
PYEOF
cat "$tmp/result"
nok=$(grep -c '^ok ' "$tmp/result" || true)
nfail=$(grep -c '^FAIL ' "$tmp/result" || true)
pass=$((pass + nok))
fail=$((fail + nfail))
if [ "$rc" -ne 0 ] || [ $((nok + nfail)) -ne "$(wc -l <"$tmp/work")" ]; then
	echo "FAIL the comparison did not finish (exit $rc)"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
