#!/usr/bin/env python3
"""forge.py: off-path forged replies and the privilege drop, in the namespace lab.

usage: forge.py PREFIX BUILD OUTDIR     (scenario "silent" applied)

An off-path forger in ttk1, a router that is not on the traced path (the
path runs vp-isp-cu1-cu2), sends 10,000 forged replies to the vantage
during each live trace, one trace per method (udp, icmp, tcp, tcp-ack).  It
never sees a probe: it knows what an off-path attacker knows, the vantage's
and the target's addresses and lasthop's source code, and guesses every
other field at random within what lasthop could have sent (source port
32768-60999, UDP destination port 33434-33523, TCP port 80, the TTL byte of
an ICMP sequence or TCP sequence number from 1-30, the rest of them, IP
IDs, checksums and lengths uniformly).  Each forgery is one of:
  - an ICMP time-exceeded from an address of 219.158.64.0/20, quoting such
    a probe (the forger's own guess, whole), 70%;
  - an ICMP unreachable quoting one: administratively prohibited (3/13)
    from 219.158.64.0/20, 15%; port unreachable (3/3) from the target, 15%;
and, for icmp, tcp and tcp-ack, half of the 10,000 are direct answers from
the target instead: echo replies; SYN-ACKs and RST-ACKs; RSTs.

The trace starts at TTL 4: cu2 (hop 3) drops everything for the target, so
no genuine reply can come, and any answer from the target or from
219.158.64.0/20 in the result is a forgery accepted.  lasthop runs as the
user behind sudo (SUDO_UID/SUDO_GID 65534) while this script reads
/proc/PID/status.  Asserts per method: the forgeries reached lasthop's
capture, none is accepted (no such address in the result, the trace dies
at the gap limit), lasthop counted them (live: "replies rejected" for the
flows of udp and tcp; replay: unmatched or rejected for every forged
error), and the replay of the saved capture gives the same trace.  Then the
privilege drop (uid 65534 and no capability once set up) and a trace
interrupted with SIGINT (stops, keeps its capture, prints the path so far).

Bounded: 10,000 forgeries a method within 10 s, every process under a
timeout.
"""
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import pcaplite  # noqa: E402

NKT, VP = "175.45.176.71", "100.64.0.2"
FORGED_NET = ipaddress.ip_network("219.158.64.0/20")
COUNT = 10000
METHODS = ["udp", "icmp", "tcp", "tcp-ack"]

FORGER = r'''
import json, random, socket, struct, sys, time
method, vp, tgt = sys.argv[1], sys.argv[2], sys.argv[3]
count, secs = int(sys.argv[4]), float(sys.argv[5])
rnd = random.SystemRandom()
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def ip4(src, dst, proto, body, ttl):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body),
                    rnd.getrandbits(16), 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + body
def l4sum(src, dst, proto, seg, off):
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(seg))
    return seg[:off] + struct.pack("!H", csum(ph + seg)) + seg[off + 2:]
def sport():
    return rnd.randrange(32768, 61000)
def ttlbits(bits):
    return rnd.randrange(1, 31) << bits | rnd.getrandbits(bits)
def guess_probe():
    """A probe lasthop could have sent: first 8 transport bytes (and a
    payload that starts with lasthop's public magic), every field not
    visible off-path guessed."""
    if method == "udp":
        l4 = struct.pack("!HHHH", sport(), rnd.randrange(33434, 33524),
                         rnd.randrange(40, 104), rnd.getrandbits(16))
        return 17, l4 + b"lhop\x01u" + bytes(rnd.getrandbits(8) for _ in range(2))
    if method == "icmp":
        l4 = struct.pack("!BBHHH", 8, 0, rnd.getrandbits(16),
                         rnd.getrandbits(16), ttlbits(8))
        return 1, l4 + b"lhop\x01i" + bytes(rnd.getrandbits(8) for _ in range(2))
    return 6, struct.pack("!HHI", sport(), 80, ttlbits(24))
def quote(proto, l4):
    """The probe's IP header as a router quotes it, length guessed."""
    tot = rnd.randrange(40, 124)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, rnd.getrandbits(16), 0,
                    1, proto, 0, socket.inet_aton(vp), socket.inet_aton(tgt))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def forged_net():
    return "219.158.%d.%d" % (rnd.randrange(64, 80), rnd.randrange(1, 255))
def icmp_error():
    proto, l4 = guess_probe()
    r = rnd.random()
    if r < 0.70:
        typ, code, src = 11, 0, forged_net()
    elif r < 0.85:
        typ, code, src = 3, 13, forged_net()
    else:
        typ, code, src = 3, 3, tgt
    body = struct.pack("!BBHI", typ, code, 0, 0) + quote(proto, l4)
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    return "error", ip4(src, vp, 1, body, rnd.randrange(40, 65))
def direct():
    if method == "icmp":
        body = struct.pack("!BBHHH", 0, 0, 0, rnd.getrandbits(16), ttlbits(8)) + \
            b"lhop\x01i" + bytes(26)
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        return "direct", ip4(tgt, vp, 1, body, rnd.randrange(40, 65))
    if method == "tcp":
        flags = 0x12 if rnd.random() < 0.5 else 0x14      # SYN-ACK, RST-ACK
        seq, ack = rnd.getrandbits(32), (ttlbits(24) + 1) & 0xffffffff
    else:
        flags, seq, ack = 0x04, rnd.getrandbits(32), 0   # RST to an ACK
    seg = struct.pack("!HHIIBBHHH", 80, sport(), seq, ack, 5 << 4, flags,
                      29200 if flags == 0x12 else 0, 0, 0)
    return "direct", ip4(tgt, vp, 6, l4sum(tgt, vp, 6, seg, 16),
                         rnd.randrange(40, 65))
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sys.stdin.readline()                    # "go": the trace is running
start = time.time()
sent = {"error": 0, "direct": 0}
for i in range(count):
    if time.time() - start > secs:
        break
    kind, pkt = direct() if method != "udp" and i % 2 else icmp_error()
    tx.sendto(pkt, (vp, 0))
    sent[kind] += 1
    # paced: the whole count over about 1.5 s
    ahead = start + 1.5 * (i + 1) / count - time.time()
    if ahead > 0.002:
        time.sleep(ahead)
sent["secs"] = round(time.time() - start, 2)
print(json.dumps(sent))
'''

passed = failed = 0


def check(name, cond, why):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    return cond


def status(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            d = dict(line.split(":", 1) for line in f if ":" in line)
        return (d["Uid"].split(), d["Gid"].split(), int(d["CapEff"], 16),
                int(d["CapPrm"], 16))
    except (OSError, KeyError, ValueError):
        return None


def forged(addr):
    return addr == NKT or ipaddress.ip_address(addr) in FORGED_NET


def forged_in_capture(pcap):
    """Forged errors and direct answers that reached lasthop's capture
    (everything from 219.158.64.0/20 or the target: in scenario silent
    nothing genuine comes from them)."""
    err = direct = 0
    for p in pcaplite.packets(pcap):
        if p["dst"] != VP or not forged(p["src"]):
            continue
        if "q" in p:
            err += 1
        elif p["proto"] in (1, 6):
            direct += 1
    return err, direct


def paths(doc):
    """The traces without their unmatched_replies: live (strict) counts a
    forged quote of the trace's flow among the run's rejected replies,
    replay of the same capture among the trace's unmatched ones (both
    counts are checked apart)."""
    return [{k: v for k, v in t.items() if k != "unmatched_replies"}
            for t in doc["traces"]]


def forge_run(prefix, lasthop, work, method, watch):
    """One trace with the forger at work; returns the privilege samples."""
    forger = subprocess.Popen(["ip", "netns", "exec", prefix + "ttk1",
                               "timeout", "30", "python3", "-c", FORGER,
                               method, VP, NKT, str(COUNT), "10"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    env = dict(os.environ, SUDO_UID="65534", SUDO_GID="65534")
    pcap = os.path.join(work, "%s.pcap" % method)
    res = os.path.join(work, "%s.json" % method)
    # From TTL 4 nothing answers: every probe waits the full 3 s, the
    # forger sends within the first 1.5 s of it.
    proc = subprocess.Popen(["ip", "netns", "exec", prefix + "vp", lasthop,
                             "trace", "-n", "-f", "4", "-w", "3", "-M",
                             method, "--write", pcap, "-F", "json", "-o",
                             res, NKT],
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    samples, go = [], False
    deadline = time.time() + 60
    while proc.poll() is None and time.time() < deadline:
        st = status(proc.pid)           # ip netns exec execs lasthop
        if st is not None and watch:
            samples.append(st)
        if not go and st is not None and st[0][0] == "65534":
            forger.stdin.write("go\n")      # set up and probing: forge
            forger.stdin.flush()
            go = True
        time.sleep(0.01)
    if not go:
        forger.stdin.write("go\n")
        forger.stdin.flush()
    if proc.poll() is None:
        proc.kill()
    stdout, stderr = proc.communicate(timeout=60)
    fout, _ = forger.communicate(timeout=30)
    try:
        sent = json.loads(fout)
    except ValueError:
        sent = {"error": 0, "direct": 0, "secs": None}
    name = "forged %s:" % method
    nsent = sent["error"] + sent["direct"]
    check(name + " trace ran", proc.returncode == 0,
          "exit %d: %s" % (proc.returncode, stderr.strip()[-300:]))
    check(name + " forger sent %d during the trace" % COUNT,
          go and nsent == COUNT, "sent %s" % sent)
    if not os.path.exists(pcap) or not os.path.exists(res):
        check(name + " results written", False, "no %s or %s" % (pcap, res))
        return samples
    err, direct = forged_in_capture(pcap)
    want_direct = sent["direct"] if method.startswith("tcp") else 0
    check(name + " forgeries reached lasthop",
          err >= 0.9 * sent["error"] and direct >= 0.9 * want_direct,
          "capture holds %d of %d errors, %d of %d direct answers" % (
              err, sent["error"], direct, want_direct))
    live = json.load(open(res))
    traces = live.get("traces") or []
    # a forged address anywhere in the result is a forgery accepted, in
    # the trace of our probes or in any other the result would hold
    took = sorted({p["addr"] for t in traces for h in t["hops"]
                   for p in h["probes"] if p["addr"] and forged(p["addr"])})
    check(name + " none accepted", not took, "accepted %d addresses: %s" % (
        len(took), took[:8]))
    tr = traces[0] if len(traces) == 1 else None
    if not check(name + " one trace", tr is not None,
                 "%d traces (forged quotes of probes never sent made "
                 "traces?)" % len(traces)):
        return samples
    check(name + " the trace dies at the gap limit",
          tr["stop_reason"] == "gap limit" and
          (tr.get("verdict") or {}).get("outcome") != "reached",
          "stop %s, verdict %s" % (tr["stop_reason"], tr.get("verdict")))
    m = re.search(r"(\d+) replies rejected", stderr)
    rejected = int(m.group(1)) if m else 0
    if method != "icmp":
        # every forged error quotes the flow of the trace (same ports'
        # session): rejected, or at worst ambiguous, never attached
        check(name + " rejections reported",
              rejected + tr["ambiguous_replies"] >= err,
              "%d rejected, %d ambiguous, of %d forged errors; stderr %s" % (
                  rejected, tr["ambiguous_replies"], err, stderr.strip()))
    r = subprocess.run([lasthop, "replay", "-F", "json", pcap],
                       capture_output=True, text=True, timeout=60)
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    if rep is None or paths(rep) != paths(live):
        keep = os.environ.get("LAB_KEEP", "/tmp/lasthop-lab-kept")
        os.makedirs(keep, exist_ok=True)
        shutil.copy(pcap, os.path.join(keep, "forged-%s.pcap" % method))
        shutil.copy(res, os.path.join(keep, "forged-%s.json" % method))
        check(name + " replay agrees", False,
              "replay exit %d differs from the live result in %s "
              "(capture kept in %s)" % (r.returncode, rep and sorted(
                  k for a, b in zip(paths(live), paths(rep))
                  for k in set(a) | set(b) if a.get(k) != b.get(k)),
                  keep))
    else:
        check(name + " replay agrees", True, "")
    if rep is not None:
        f = rep["files"][0]
        counted = f["unmatched_replies"] + f["rejected_replies"] + \
            f["ambiguous_replies"]
        check(name + " replay counts every forged error", counted >= err,
              "%d unmatched + %d rejected + %d ambiguous, %d forged" % (
                  f["unmatched_replies"], f["rejected_replies"],
                  f["ambiguous_replies"], err))
    print("info forged %s: sent %d errors + %d direct in %s s; capture "
          "%d + %d; live rejected %d; replay unmatched %s" % (
              method, sent["error"], sent["direct"], sent["secs"], err,
              direct, rejected, rep and rep["files"][0]["unmatched_replies"]))
    return samples


def main(argv):
    prefix, build, out = argv[1], argv[2], argv[3]
    work = os.path.join(out, "forge")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o777)
    lasthop = os.path.join(work, "lasthop")
    shutil.copy(os.path.join(build, "lasthop"), lasthop)
    os.chmod(lasthop, 0o755)

    samples = []
    for method in METHODS:
        s = forge_run(prefix, lasthop, work, method, method == "udp")
        samples = samples or s

    # The privilege drop, as seen from outside (the udp run).
    late = samples[len(samples) // 2:] if samples else []
    check("privileges: watched the running trace", len(late) >= 5,
          "%d samples" % len(samples))
    check("privileges: uid and gid 65534 after setup",
          late and all(s[0] == ["65534"] * 4 and s[1] == ["65534"] * 4
                       for s in late), "samples %s" % late[-3:])
    check("privileges: no capability after setup",
          late and all(s[2] == 0 and s[3] == 0 for s in late),
          "samples %s" % late[-3:])

    # Ctrl-C: the trace stops, keeps its capture and prints what it has.
    pcap2, res2 = os.path.join(work, "i.pcap"), os.path.join(work, "i.json")
    proc = subprocess.Popen(["ip", "netns", "exec", prefix + "vp", lasthop,
                             "trace", "-n", "-f", "2", "-r", "5", "-M", "icmp",
                             "--write", pcap2, "-F", "json", "-o", res2, NKT],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
    check("interrupt: stops at once with exit 0", proc.returncode == 0,
          "exit %s: %s" % (proc.returncode, stderr.strip()))
    check("interrupt: says so", "interrupted" in stderr, stderr.strip())
    doc = json.load(open(res2)) if os.path.exists(res2) else None
    got = doc and doc["traces"] and [
        p["addr"] for h in doc["traces"][0]["hops"] for p in h["probes"]
        if p["addr"]]
    check("interrupt: the path so far is written",
          bool(got) and "219.158.96.2" in got, "result %s" % got)
    r = subprocess.run([lasthop, "replay", "-F", "json", pcap2],
                       capture_output=True, text=True)
    check("interrupt: the capture is kept and replays the same",
          r.returncode == 0 and doc is not None and
          json.loads(r.stdout)["traces"] == doc["traces"],
          "replay exit %d" % r.returncode)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
