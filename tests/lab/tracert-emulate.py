#!/usr/bin/env python3
"""tracert-emulate.py: emulate the probes of Windows `tracert -d` (which cannot
run here) so that lasthop has a capture of them.  Run it only inside a lab
namespace (tests/lab/lab.sh), as root (raw socket).

What it sends, as Windows tracert does: ICMP echo requests (RFC 792), one
identifier for the whole run, the sequence number rising by one per probe,
3 probes per TTL, TTL 1..MAXHOPS, a 64-byte zero payload (92-byte IP
packets, DF clear); one probe at a time, each waiting up to TIMEOUT ms for its reply.
It stops at the destination's echo reply or at the first destination
unreachable, and prints a tracert-style table.

This is an emulation: the byte layout follows what Windows sends, the text
follows tracert's layout; neither is Windows' own output.

usage: tracert-emulate.py [-h MAXHOPS] [-w TIMEOUT_MS] [--id ID] [--seq SEQ] TARGET
"""
import os
import select
import socket
import struct
import sys
import time

UNREACH_TEXT = {
    0: "Destination net unreachable.",
    1: "Destination host unreachable.",
    2: "Destination protocol unreachable.",
    3: "Destination port unreachable.",
    9: "Destination net unreachable.",
    10: "Destination host unreachable.",
    13: "Communication administratively prohibited.",
}


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo_request(ident, seq):
    payload = bytes(64)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    return hdr[:2] + struct.pack("!H", checksum(hdr)) + hdr[4:]


def parse_reply(pkt, ident, seq, target):
    """Return (kind, src, code) if pkt answers our probe (ident, seq), else None.
    kind: 'echo' (echo reply from the target), 'ttl' (time exceeded),
    'unreach' (destination unreachable)."""
    if len(pkt) < 20:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    if ihl < 20 or len(pkt) < ihl + 8:
        return None
    src = socket.inet_ntoa(pkt[12:16])
    icmp_type, code = pkt[ihl], pkt[ihl + 1]
    if icmp_type == 0:
        i, q = struct.unpack("!HH", pkt[ihl + 4:ihl + 8])
        if i == ident and q == seq and src == target:
            return ("echo", src, code)
        return None
    if icmp_type not in (3, 11):
        return None
    inner = pkt[ihl + 8:]                      # quoted IP header + 8 bytes
    if len(inner) < 20:
        return None
    iihl = (inner[0] & 0x0F) * 4
    if iihl < 20 or len(inner) < iihl + 8 or inner[9] != 1:
        return None
    if socket.inet_ntoa(inner[16:20]) != target:
        return None
    t, _c, _s, i, q = struct.unpack("!BBHHH", inner[iihl:iihl + 8])
    if t != 8 or i != ident or q != seq:
        return None
    return ("ttl" if icmp_type == 11 else "unreach", src, code)


def main(argv):
    maxhops, timeout_ms, ident, seq = 30, 4000, 1, 1
    args = list(argv)
    target = None
    while args:
        a = args.pop(0)
        if a in ("-h", "-w", "--id", "--seq") and args:
            v = int(args.pop(0))
            if a == "-h":
                maxhops = v
            elif a == "-w":
                timeout_ms = v
            elif a == "--id":
                ident = v & 0xFFFF
            else:
                seq = v & 0xFFFF
        elif not a.startswith("-") and target is None:
            target = a
        else:
            print(__doc__.strip().splitlines()[-1], file=sys.stderr)
            return 2
    if target is None or not 1 <= maxhops <= 255:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    target = socket.gethostbyname(target)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    # Windows tracert leaves DF clear; Linux raw sockets set it by default
    sock.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_MTU_DISCOVER", 10), 0)

    print()
    print("Tracing route to %s over a maximum of %d hops" % (target, maxhops))
    print()
    for ttl in range(1, maxhops + 1):
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        cols, addr, done, unreach = [], None, False, None
        for _probe in range(3):
            sock.sendto(echo_request(ident, seq), (target, 0))
            sent = time.monotonic()
            deadline = sent + timeout_ms / 1000.0
            got = None
            while got is None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([sock], [], [], left)[0]:
                    break
                pkt, _ = sock.recvfrom(4096)
                got = parse_reply(pkt, ident, seq, target)
            seq = (seq + 1) & 0xFFFF
            if got is None:
                cols.append("   *   ")
                continue
            kind, src, code = got
            if kind == "unreach":
                unreach = (src, code)
                break
            rtt = (time.monotonic() - sent) * 1000.0
            cols.append(("<1" if rtt < 1 else "%d" % rtt).rjust(4) + " ms")
            addr = addr or src
            if kind == "echo":
                done = True
        if unreach is not None:
            print("%3d  %s  reports: %s" % (ttl, unreach[0],
                  UNREACH_TEXT.get(unreach[1], "Destination host unreachable.")))
            break
        line = "%3d" % ttl + "".join("  " + c for c in cols)
        line += "  " + (addr if addr else "Request timed out.")
        print(line, flush=True)
        if done:
            break
    print()
    print("Trace complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
