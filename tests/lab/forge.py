#!/usr/bin/env python3
"""forge.py: forged replies and the privilege drop, in the namespace lab.

usage: forge.py PREFIX BUILD OUTDIR     (scenario "silent" applied)

A forger in cu2 watches the probes it receives and answers each with forged
ICMP time-exceeded messages from 219.158.66.x that quote the probe with a
near-miss identity (IP ID + 1, UDP checksum + 1) or a random one.  lasthop
traces through it as the user behind sudo (SUDO_UID/SUDO_GID 65534) while
this script reads /proc/PID/status.  Asserts: no forged address is
accepted, the rejections are counted, the replay of the saved capture
agrees, and once set up the process runs with uid 65534 and no capability.
Then a trace interrupted with SIGINT must stop, keep its capture and
print the path so far.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import time

NKT, VP = "175.45.176.71", "100.64.0.2"

FORGER = r'''
import random, socket, struct, sys, time
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def ip_hdr(src, dst, proto, payload_len, ident, ttl):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0,
                    ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]
rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
rx.bind((sys.argv[1], 0))
rx.settimeout(0.2)
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
vp, deadline, sent, n = sys.argv[2], time.time() + float(sys.argv[3]), 0, 0
rnd = random.Random(7)
while time.time() < deadline:
    try:
        frame = rx.recv(2048)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 28 or ip[9] != 17 or socket.inet_ntoa(ip[12:16]) != vp:
        continue
    ihl = (ip[0] & 15) * 4
    hdr, udp = bytearray(ip[:ihl]), bytearray(ip[ihl:ihl + 8])
    for kind in ("ipid", "csum", "random"):
        q, u = bytearray(hdr), bytearray(udp)
        if kind == "ipid":
            q[4:6] = struct.pack("!H", (struct.unpack("!H", q[4:6])[0] + 1) & 0xffff)
        elif kind == "csum":
            u[6:8] = struct.pack("!H", (struct.unpack("!H", u[6:8])[0] + 1) & 0xffff)
        else:
            q[4:6] = struct.pack("!H", rnd.randrange(65536))
            u[6:8] = struct.pack("!H", rnd.randrange(65536))
        q[8] = 1
        q[10:12] = b"\0\0"
        q[10:12] = struct.pack("!H", csum(bytes(q)))
        body = struct.pack("!BBHI", 11, 0, 0, 0) + bytes(q) + bytes(u)
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        n += 1
        src = "219.158.66.%d" % (1 + n % 250)
        tx.sendto(ip_hdr(src, vp, 1, len(body), n, 64) + body, (vp, 0))
        sent += 1
print(sent)
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


def status(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            d = dict(line.split(":", 1) for line in f if ":" in line)
        return (d["Uid"].split(), d["Gid"].split(), int(d["CapEff"], 16),
                int(d["CapPrm"], 16))
    except (OSError, KeyError, ValueError):
        return None


def main(argv):
    prefix, build, out = argv[1], argv[2], argv[3]
    work = os.path.join(out, "forge")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o777)
    lasthop = os.path.join(work, "lasthop")
    shutil.copy(os.path.join(build, "lasthop"), lasthop)
    os.chmod(lasthop, 0o755)

    forger = subprocess.Popen(["ip", "netns", "exec", prefix + "cu2",
                               "python3", "-c", FORGER, "to-cu1", VP, "8"],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    env = dict(os.environ, SUDO_UID="65534", SUDO_GID="65534")
    # From TTL 4 nothing answers (cu2 is hop 3 and drops): every probe
    # waits the full second, which leaves time to watch the process.
    pcap, res = os.path.join(work, "f.pcap"), os.path.join(work, "f.json")
    proc = subprocess.Popen(["ip", "netns", "exec", prefix + "vp", lasthop,
                             "trace", "-n", "-f", "4", "-w", "1", "-M", "udp",
                             "--write", pcap, "-F", "json", "-o", res, NKT],
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    samples = []
    while proc.poll() is None:
        st = status(proc.pid)
        if st is not None:
            samples.append(st)
        time.sleep(0.01)
    stdout, stderr = proc.communicate()
    forger.wait(timeout=20)
    nforged = int((forger.stdout.read() or "0").strip() or 0)

    check("forged: trace ran", proc.returncode == 0,
          "exit %d: %s" % (proc.returncode, stderr.strip()))
    check("forged: forger sent replies", nforged > 0, "none sent")
    doc = json.load(open(res)) if os.path.exists(res) else {"traces": []}
    addrs = {p["addr"] for t in doc["traces"] for h in t["hops"]
             for p in h["probes"] if p["addr"]}
    check("forged: none accepted",
          not any(a.startswith("219.158.66.") for a in addrs),
          "accepted %s" % sorted(addrs))
    check("forged: rejections reported", "replies rejected" in stderr,
          "stderr: %s" % stderr.strip())
    r = subprocess.run([lasthop, "replay", "-F", "json", pcap],
                       capture_output=True, text=True)
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    check("forged: replay agrees", rep is not None and
          rep["traces"] == doc["traces"] and
          rep["files"][0]["rejected_replies"] >= nforged // 2,
          "replay differs or rejected too few (%s)" % (
              rep and rep["files"][0].get("rejected_replies")))

    # The privilege drop, as seen from outside.
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
    import signal
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
