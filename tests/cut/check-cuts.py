#!/usr/bin/env python3
"""check-cuts.py: a capture that ends early never blames the network.

usage: tests/cut/check-cuts.py LASTHOP CAPTURE...
       tests/cut/check-cuts.py --write DIR CAPTURE:K:HOW...

Every CAPTURE must be a healthy trace (it reaches its destination).  Each
is cut after every record (a clean, shorter capture: exit 0) and in the
middle of every record (a damaged capture: exit 4), and each cut is
replayed with -F json: no trace may end "died", and the whole capture must
end "reached" (so a verdict that never says "died" at all is caught).

--write DIR makes the cut captures that tests/TESTLIST replays: K records,
then HOW = "count" (stop there) or "bytes" (and half of the next record).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HDR = 24    # pcap global header
RHDR = 16   # pcap record header


def records(path):
    """The global header and the (offset, length) of every record."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < HDR:
        sys.exit("%s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("%s: not a pcap file (pcapng is not cut here)" % path)
    recs = []
    off = HDR
    while off + RHDR <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        if off + RHDR + incl > len(data):
            sys.exit("%s: damaged at offset %d" % (path, off))
        recs.append((off, RHDR + incl))
        off += RHDR + incl
    return data, recs


def cut(data, recs, k, how):
    """The first k records; "bytes" adds half of record k (damaged)."""
    end = HDR if k == 0 else recs[k - 1][0] + recs[k - 1][1]
    if how == "bytes" and k < len(recs):
        end += recs[k][1] // 2
    return data[:end]


def replay(lasthop, path):
    p = subprocess.run([lasthop, "replay", "-F", "json", path],
                       capture_output=True, timeout=60)
    doc = None
    if p.stdout:
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            pass
    return p.returncode, doc, p.stderr.decode(errors="replace")


def outcomes(doc):
    return [(t.get("verdict") or {}).get("outcome")
            for t in (doc or {}).get("traces", [])]


def write(outdir, specs):
    for spec in specs:
        src, k, how = spec.rsplit(":", 2)
        data, recs = records(src)
        k = int(k)
        if not 0 < k < len(recs) or how not in ("count", "bytes"):
            sys.exit("bad spec %s (%d records)" % (spec, len(recs)))
        base = os.path.basename(src)[:-len(".pcap")]
        for pfx in ("peer-", "lab-"):
            if base.startswith(pfx):
                base = base[len(pfx):]
        base = base.replace("-healthy", "")
        name = os.path.join(outdir, "cut-%s-%s%d.pcap" % (
            base, "c" if how == "count" else "b", k))
        with open(name, "wb") as f:
            f.write(cut(data, recs, k, how))
        print(name)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--write":
        write(sys.argv[2], sys.argv[3:])
        return 0
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    lasthop = sys.argv[1]
    passed = failed = incomplete = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cut.pcap")
        for cap in sys.argv[2:]:
            data, recs = records(cap)
            rc, doc, err = replay(lasthop, cap)
            if rc != 0 or outcomes(doc) == [] or \
                    any(o != "reached" for o in outcomes(doc)):
                print("FAIL %s: whole capture: exit %d, outcomes %s" % (
                    cap, rc, outcomes(doc)))
                failed += 1
                continue
            bad = []
            for k in range(1, len(recs)):
                for how, want_rc in (("count", 0), ("bytes", 4)):
                    with open(path, "wb") as f:
                        f.write(cut(data, recs, k, how))
                    rc, doc, err = replay(lasthop, path)
                    outs = outcomes(doc)
                    incomplete += outs.count("incomplete")
                    if rc != want_rc or "died" in outs or \
                            "Sanitizer" in err or "runtime error" in err:
                        bad.append("%s%d: exit %d (want %d), outcomes %s" % (
                            how, k, rc, want_rc, outs))
            if bad:
                failed += 1
                print("FAIL %s: %d of %d cuts: %s" % (
                    cap, len(bad), 2 * (len(recs) - 1), "; ".join(bad[:4])))
            else:
                passed += 1
                print("ok %s: %d cuts, none died" % (
                    cap, 2 * (len(recs) - 1)))
    if passed and incomplete == 0:
        print("FAIL no cut was judged incomplete at all")
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
