#!/usr/bin/env python3
"""labcheck.py: the live-tracing tests, run inside the namespace lab.

usage: labcheck.py PREFIX BUILD OUTDIR SCENARIO [SCENARIO...]

PREFIX is the lab's namespace prefix (lab.sh's LAB_PREFIX), the scenario is
already applied by the caller (run-lab-tests.sh) when this runs with one
scenario.  For every method it runs `lasthop trace` in the vantage host,
then asserts: the hop list the scenario must give, that `lasthop replay` of
the saved capture gives the same traces as the live run, the verdict
(outcome, where, last hop) with and without a baseline, and that Linux
traceroute and scamper in the same path see the same hops.  Prints ok/FAIL
lines and "N passed, M failed".

Python 3 standard library only.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peer"))
import peerhops  # noqa: E402
import lasthophops  # noqa: E402

ISP, CU1, CU2, NKBR = "100.64.0.1", "219.158.3.1", "219.158.96.2", "219.158.97.2"
NKIN, NKT, TTK1 = "175.45.176.254", "175.45.176.71", "188.43.225.153"
HEALTHY = [ISP, CU1, CU2, NKBR, NKIN, NKT]
METHODS = ["udp", "icmp", "tcp", "tcp-ack"]
GAP = 5

# Per scenario: the answering address of each hop (None = silent), what the
# trace must end with, and the verdict without / with the healthy baseline.
# where=None with cands: the verdict must say it cannot tell.
SCENARIOS = {
    "healthy": dict(hops=HEALTHY, stop="completed",
                    v=("reached", None, NKT), vb=("reached", None, NKT)),
    "cudrop": dict(hops=[ISP, CU1] + [None] * GAP, stop="gap limit",
                   v=("died", None, CU1), vb=("died", "upstream", CU1)),
    "silent": dict(hops=[ISP, CU1, CU2] + [None] * GAP, stop="gap limit",
                   v=("died", None, CU2), vb=("died", "handoff", CU2)),
    "border": dict(hops=[ISP, CU1, CU2, NKBR] + [None] * GAP,
                   stop="gap limit",
                   v=("died", None, NKBR), vb=("died", "handoff", NKBR)),
    "inner": dict(hops=[ISP, CU1, CU2, NKBR, NKIN] + [None] * GAP,
                  stop="gap limit",
                  v=("died", "target", NKIN), vb=("died", "target", NKIN)),
    "unreach": dict(hops=[ISP, CU1, CU2, CU2], stop="unreachable",
                    v=("died", None, CU2), vb=("died", "handoff", CU2),
                    annotation=(4, "!X")),
    # TTL 1 expires at the ISP; from TTL 2 it refuses with net unreachable.
    "withdrawn": dict(hops=[ISP, ISP], stop="unreachable",
                      v=("died", "transit", ISP), vb=("died", "transit", ISP),
                      annotation=(2, "!N")),
    "hidden": dict(hops=[ISP, None, CU2, NKBR, NKIN, NKT], stop="completed",
                   v=("reached", None, NKT), vb=("reached", None, NKT)),
}

passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok   " + name)


def fail(name, why):
    global failed
    failed += 1
    print("FAIL " + name + ": " + why)


def check(name, cond, why):
    if cond:
        ok(name)
    else:
        fail(name, why)
    return cond


def in_vp(prefix, args, timeout=60):
    return subprocess.run(["ip", "netns", "exec", prefix + "vp"] + args,
                          capture_output=True, text=True, timeout=timeout)


def answered(hops):
    """[addr or None] per TTL from lasthop's normalized hops."""
    return [h["addrs"][0] if len(h["addrs"]) == 1 else
            (tuple(h["addrs"]) if h["addrs"] else None) for h in hops]


def trace(prefix, build, out, scn, method, extra=()):
    base = os.path.join(out, "%s-%s" % (scn, method))
    r = in_vp(prefix, [os.path.join(build, "lasthop"), "trace", "-n",
                       "-M", method, "-w", "1", "-m", "12",
                       "--write", base + ".pcap", "-F", "json",
                       "-o", base + ".json"] + list(extra) + [NKT])
    return base, r


def replay_traces(build, pcap, extra=()):
    r = subprocess.run([os.path.join(build, "lasthop"), "replay", "-F",
                        "json"] + list(extra) + [pcap],
                       capture_output=True, text=True, timeout=60)
    return r, (json.loads(r.stdout) if r.returncode == 0 else None)


def check_verdict(name, tr, want):
    v = tr.get("verdict") or {}
    outcome, where, last = want
    lh = v.get("last_hop") or {}
    good = (v.get("outcome") == outcome and v.get("where") == where and
            lh.get("addr") == last)
    if good and outcome == "died" and where is None:
        good = sorted(v.get("candidates") or []) == ["handoff", "upstream"]
    check(name, good, "verdict %s/%s/%s, want %s/%s/%s (%s)" % (
        v.get("outcome"), v.get("where"), lh.get("addr"), outcome, where,
        last, v.get("detail")))


def peer_cmd(method):
    """Linux traceroute and scamper commands for a lasthop method."""
    tr = ["traceroute", "-n", "-q", "3", "-w", "1", "-m", "10"]
    if method == "udp":
        return [("traceroute", tr + [NKT]),
                ("scamper", ["scamper", "-O", "text", "-c",
                             "trace -P udp-paris -q 1 -g 3 -w 1 -m 10", "-i", NKT])]
    if method == "icmp":
        return [("traceroute", tr + ["-I", NKT]),
                ("scamper", ["scamper", "-O", "text", "-c",
                             "trace -P icmp-paris -q 1 -g 3 -w 1 -m 10", "-i", NKT])]
    if method == "tcp":
        return [("traceroute", tr + ["-T", "-p", "80", NKT]),
                ("scamper", ["scamper", "-O", "text", "-c",
                             "trace -P tcp -d 80 -q 1 -g 3 -w 1 -m 10", "-i", NKT])]
    return []


def compare_peer(name, mine, theirs):
    """Equal answered hops up to the shorter list (peers go on to -m 12
    where lasthop stops at its gap limit; traceroute hides hops past !X)."""
    n = min(len(mine), len(theirs))
    a = [set(h["addrs"]) for h in mine[:n]]
    b = [set(h["addrs"]) for h in theirs[:n]]
    check(name, n > 0 and a == b, "lasthop %s, peer %s" % (
        [sorted(x) for x in a], [sorted(x) for x in b]))


def run_scenario(prefix, build, out, scn):
    spec = SCENARIOS.get(scn)
    for method in METHODS:
        name = "%s/%s" % (scn, method)
        base, r = trace(prefix, build, out, scn, method)
        if not check(name + " exit", r.returncode == 0,
                     "exit %d: %s" % (r.returncode, r.stderr.strip())):
            continue
        live = json.load(open(base + ".json"))
        traces = live.get("traces") or []
        if not check(name + " one trace", len(traces) == 1,
                     "%d traces" % len(traces)):
            continue
        tr = traces[0]
        hops = lasthophops.norm_hops(tr["hops"])
        if spec is not None:
            check(name + " hops", answered(hops) == spec["hops"],
                  "got %s, want %s" % (answered(hops), spec["hops"]))
            check(name + " stop", tr["stop_reason"] == spec["stop"],
                  "stop %s, want %s" % (tr["stop_reason"], spec["stop"]))
            if "annotation" in spec:
                ttl, mark = spec["annotation"]
                marks = [p.get("annotation") for h in tr["hops"]
                         if h["ttl"] == ttl for p in h["probes"]]
                check(name + " annotation", mark in marks,
                      "hop %d marks %s, want %s" % (ttl, marks, mark))
            check_verdict(name + " verdict", tr, spec["v"])
        # The saved capture replays to the same traces.
        rr, doc = replay_traces(build, base + ".pcap")
        check(name + " replay", doc is not None and
              doc["traces"] == live["traces"],
              "replay differs from the live result")
        # With the healthy run of the same method as baseline.
        healthy = os.path.join(out, "healthy-%s.pcap" % method)
        if spec is not None and os.path.exists(healthy):
            rr, doc = replay_traces(build, base + ".pcap",
                                    ["--baseline", healthy])
            if check(name + " baseline run", doc is not None,
                     rr.stderr.strip()):
                check_verdict(name + " verdict+baseline", doc["traces"][0],
                              spec["vb"])
        for peer, cmd in peer_cmd(method):
            pr = in_vp(prefix, ["timeout", "60"] + cmd, timeout=90)
            if not check("%s %s runs" % (name, peer), pr.returncode == 0 and
                         pr.stdout.strip(), "exit %d: %s" % (
                             pr.returncode, pr.stderr.strip()[:200])):
                continue
            with open(base + "." + peer + ".out", "w") as f:
                f.write(pr.stdout)
            theirs = peerhops.normalize(pr.stdout)[1]
            compare_peer("%s same hops as %s" % (name, peer), hops, theirs)


def run_ecmp(prefix, build, out):
    # Paris: one path, one responder per hop, the same on every run.
    for method in METHODS:
        name = "ecmp/%s paris" % method
        base, r = trace(prefix, build, out, "ecmp", method)
        if not check(name + " exit", r.returncode == 0, r.stderr.strip()):
            continue
        tr = json.load(open(base + ".json"))["traces"][0]
        hops = answered(lasthophops.norm_hops(tr["hops"]))
        one = all(not isinstance(h, tuple) for h in hops)
        check(name + " one path", one and tr["stop_reason"] == "completed"
              and hops[1] in (CU1, TTK1), "hops %s" % hops)
    # Classic UDP: the destination port changes, the hash spreads probes.
    base, r = trace(prefix, build, out, "ecmp-classic", "udp",
                    ["--classic", "-q", "8"])
    if check("ecmp/udp classic exit", r.returncode == 0, r.stderr.strip()):
        tr = json.load(open(base + ".json"))["traces"][0]
        hops = lasthophops.norm_hops(tr["hops"])
        both = any(set(h["addrs"]) >= {CU1, TTK1} for h in hops)
        check("ecmp/udp classic sees both paths", both,
              "hops %s" % [h["addrs"] for h in hops])


def run_loop(prefix, build, out):
    for method in METHODS:
        name = "loop/%s" % method
        base, r = trace(prefix, build, out, "loop", method)
        if not check(name + " exit", r.returncode == 0, r.stderr.strip()):
            continue
        tr = json.load(open(base + ".json"))["traces"][0]
        hops = answered(lasthophops.norm_hops(tr["hops"]))
        check(name + " alternates", hops[:5] == [ISP, CU1, CU2, CU1, CU2],
              "hops %s" % hops)
        check(name + " stop", tr["stop_reason"] == "loop",
              "stop %s" % tr["stop_reason"])
        v = tr.get("verdict") or {}
        # A loop between two China Unicom routers is in the upstream.
        check(name + " verdict", v.get("outcome") == "died" and
              v.get("reason") == "loop" and v.get("where") == "upstream",
              "verdict %s" % v)
        # traceroute and scamper see the same alternation.
        for peer, cmd in peer_cmd(method):
            pr = in_vp(prefix, ["timeout", "60"] + cmd, timeout=90)
            if pr.returncode == 0 and pr.stdout.strip():
                compare_peer("%s same hops as %s" % (name, peer),
                             lasthophops.norm_hops(tr["hops"]),
                             peerhops.normalize(pr.stdout)[1])
            else:
                fail("%s %s runs" % (name, peer), pr.stderr.strip()[:200])


def run_ratelimit(prefix, build, out):
    # Ten probes a hop: each router answers a burst of about six.
    base, r = trace(prefix, build, out, "ratelimit", "udp", ["-q", "10"])
    if not check("ratelimit/udp exit", r.returncode == 0, r.stderr.strip()):
        return
    tr = json.load(open(base + ".json"))["traces"][0]
    partial = [h["ttl"] for h in tr["hops"]
               if 0 < sum(1 for p in h["probes"] if p["addr"]) < len(h["probes"])]
    v = tr.get("verdict") or {}
    check("ratelimit/udp reached", v.get("outcome") == "reached",
          "verdict %s" % v)
    check("ratelimit/udp limited hops seen", len(partial) > 0,
          "no hop lost probes: %s" % [len(h["probes"]) for h in tr["hops"]])
    check("ratelimit/udp said so", "rate" in v.get("detail", ""),
          "detail: %s" % v.get("detail"))


def main(argv):
    if len(argv) < 5:
        print(__doc__)
        return 2
    prefix, build, out = argv[1], argv[2], argv[3]
    for scn in argv[4:]:
        if scn == "ecmp":
            run_ecmp(prefix, build, out)
        elif scn == "loop":
            run_loop(prefix, build, out)
        elif scn == "ratelimit":
            run_ratelimit(prefix, build, out)
        else:
            run_scenario(prefix, build, out, scn)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
