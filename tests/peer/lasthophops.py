#!/usr/bin/env python3
"""lasthophops.py: normalize lasthop's JSON (one capture) into hop lists.

usage: lasthop replay --format json FILE.pcap | lasthophops.py

Input (the minimum shape; other fields are ignored):
  {"lasthop": "0.1.0", "traces": [{"src", "dst", "method", "stop_reason",
     "dport"?, "hops": [{"ttl": N, "probes": [{"addr": "a.b.c.d"|null, ...}]}]}]}
Output, the same form as peerhops.py:
  one trace:      [{"ttl": N, "addrs": [...]}, ...]
  several traces: [{"flow": KEY, "hops": [...]}, ...]
where addrs are the sorted unique non-null probe addresses of the hop ([] if
no probe was answered), TTLs from the first to the last hop with gaps filled
with [], and KEY is the trace's "dport" when lasthop prints one (traces then
sorted by it), else its 1-based position in lasthop's output.

Python 3 standard library only.
"""
import json
import sys


def ip_key(a):
    try:
        return tuple(int(p) for p in a.split("."))
    except ValueError:
        return (999, a)


def norm_hops(hops):
    by_ttl = {}
    for h in hops or []:
        ttl = int(h["ttl"])
        s = by_ttl.setdefault(ttl, set())
        for p in h.get("probes") or []:
            a = p.get("addr")
            if a:
                s.add(a)
    if not by_ttl:
        return []
    lo, hi = min(by_ttl), max(by_ttl)
    return [{"ttl": t, "addrs": sorted(by_ttl.get(t, ()), key=ip_key)}
            for t in range(lo, hi + 1)]


def normalize(doc):
    traces = doc.get("traces")
    if not isinstance(traces, list):
        raise ValueError('no "traces" list')
    if len(traces) == 1:
        return norm_hops(traces[0].get("hops"))
    out = []
    have_dport = all(isinstance(t.get("dport"), int) for t in traces)
    for i, t in enumerate(traces, 1):
        out.append({"flow": t["dport"] if have_dport else i,
                    "hops": norm_hops(t.get("hops"))})
    if have_dport:
        out.sort(key=lambda t: t["flow"])
    return out


def dumps(result):
    if result and "flow" in result[0]:
        return "[\n" + ",\n".join(
            '{"flow": %d, "hops": %s}' % (t["flow"], dumps(t["hops"]))
            for t in result) + "\n]"
    if not result:
        return "[]"
    return "[\n" + ",\n".join("  " + json.dumps(h) for h in result) + "\n]"


def main(argv):
    if argv:
        sys.exit(__doc__.splitlines()[2])
    try:
        result = normalize(json.load(sys.stdin))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        sys.exit("lasthophops.py: bad lasthop JSON: %s" % e)
    print(dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
