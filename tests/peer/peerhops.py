#!/usr/bin/env python3
"""peerhops.py: normalize a peer traceroute tool's printed output into a hop list.

usage: peerhops.py [--format FMT] FILE      (FILE "-" reads stdin)

Reads the text (or JSON) that one of these tools printed and writes JSON:
    [{"ttl": N, "addrs": ["a.b.c.d", ...]}, ...]
addrs sorted and unique, [] for a hop where nothing answered; TTLs run from
the first to the last printed, gaps filled with [].  Output with several
flows (dublin-traceroute) is a list of traces instead:
    [{"flow": DPORT, "hops": [...]}, ...]        (sorted by DPORT)

Formats, detected from the text unless --format is given:
  traceroute   Linux traceroute 2.x (UDP, -I, -T), "name (addr)" or -n
  tcptraceroute
  mtr          mtr report (-r), "N.|-- addr", "???" for silence; extra
               addresses of a hop (load balancing) on following lines
  scamper      scamper -O text / sc_warts2text ("traceroute from X to Y")
  tracert      Windows tracert layout (tests/lab/tracert-emulate.py)
  dublin-json  dublin-traceroute trace.json ({"flows": {dport: [...]}})
  dublin-text  dublin-traceroute's printed text ("== Flow ID N ==")

Python 3 standard library only.
"""
import json
import re
import sys

IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
PAREN_IPV4 = re.compile(r"\((\d{1,3}(?:\.\d{1,3}){3})\)")


def valid_ip(a):
    return all(0 <= int(p) <= 255 for p in a.split("."))


def line_addrs(rest):
    """Addresses on a hop line: those in parentheses if the line has names
    ("name (addr)"), else every bare dotted quad."""
    found = PAREN_IPV4.findall(rest) or IPV4.findall(rest)
    return [a for a in found if valid_ip(a)]


def finish(hops):
    """dict ttl -> set(addrs)  ->  normalized contiguous list."""
    if not hops:
        return []
    lo, hi = min(hops), max(hops)
    return [{"ttl": t, "addrs": sorted(hops.get(t, ()), key=ip_key)}
            for t in range(lo, hi + 1)]


def ip_key(a):
    return tuple(int(p) for p in a.split("."))


def parse_hoplines(lines, hop_re=re.compile(r"^\s*(\d+)\s+(.*)$")):
    """Generic "TTL  addr rtt ..." text: traceroute, tcptraceroute, scamper,
    tracert.  A line that starts with an address instead of a TTL continues
    the previous hop (another address answering at the same TTL)."""
    hops, cur = {}, None
    for ln in lines:
        m = hop_re.match(ln)
        if m and "." not in m.group(1):
            cur = int(m.group(1))
            hops.setdefault(cur, set()).update(line_addrs(m.group(2)))
        elif cur is not None and re.match(r"^\s+\d{1,3}(\.\d{1,3}){3}\b", ln):
            hops[cur].update(line_addrs(ln))
    return finish(hops)


def parse_traceroute(text):
    return parse_hoplines(l for l in text.splitlines()
                          if not l.startswith("traceroute to "))


def parse_tcptraceroute(text):
    return parse_hoplines(l for l in text.splitlines()
                          if not l.startswith(("Selected device", "Tracing the path")))


def parse_scamper(text):
    return parse_hoplines(l for l in text.splitlines()
                          if not l.startswith("traceroute from "))


def parse_tracert(text):
    return parse_hoplines(l for l in text.splitlines()
                          if not l.startswith("Tracing route to "))


def parse_mtr(text):
    hops, cur = {}, None
    hop_re = re.compile(r"^\s*(\d+)\.\|--\s+(\S+)")
    for ln in text.splitlines():
        m = hop_re.match(ln)
        if m:
            cur = int(m.group(1))
            hops.setdefault(cur, set())
            if m.group(2) != "???":
                hops[cur].update(line_addrs(m.group(2)))
        elif cur is not None and re.match(r"^\s+\S", ln) and not ln.lstrip().startswith("["):
            # mtr report lists further addresses of the same hop on their own lines
            hops[cur].update(line_addrs(ln))
    return finish(hops)


def parse_dublin_json(text):
    data = json.loads(text)
    traces = []
    for dport, entries in (data.get("flows") or {}).items():
        hops = {}
        for e in entries:
            ttl = int(e["sent"]["ip"]["ttl"])
            s = hops.setdefault(ttl, set())
            rcv = e.get("received")
            if rcv and rcv.get("ip", {}).get("src"):
                s.add(rcv["ip"]["src"])
        traces.append({"flow": int(dport), "hops": finish(hops)})
    traces.sort(key=lambda t: t["flow"])
    return traces


def parse_dublin_text(text):
    traces, lines, flow = [], [], None
    for ln in text.splitlines() + ["== Flow ID END =="]:
        m = re.match(r"^== Flow ID (\S+) ==", ln)
        if m:
            if flow is not None:
                traces.append({"flow": int(flow), "hops": parse_hoplines(lines)})
            flow, lines = m.group(1), []
        elif flow is not None:
            lines.append(ln)
    traces.sort(key=lambda t: t["flow"])
    return traces


PARSERS = {
    "traceroute": parse_traceroute,
    "tcptraceroute": parse_tcptraceroute,
    "mtr": parse_mtr,
    "scamper": parse_scamper,
    "tracert": parse_tracert,
    "dublin-json": parse_dublin_json,
    "dublin-text": parse_dublin_text,
}


def detect(text):
    s = text.lstrip()
    if s.startswith("{"):
        return "dublin-json"
    if re.search(r"^== Flow ID ", text, re.M):
        return "dublin-text"
    if re.search(r"^HOST: .*Loss%", text, re.M) or re.search(r"^\s*\d+\.\|--", text, re.M):
        return "mtr"
    if re.search(r"^traceroute from \S+ to \S+", text, re.M):
        return "scamper"
    if re.search(r"^(Selected device|Tracing the path to )", text, re.M):
        return "tcptraceroute"
    if re.search(r"^Tracing route to ", text, re.M):
        return "tracert"
    if re.search(r"^traceroute to ", text, re.M):
        return "traceroute"
    raise ValueError("unrecognized peer output")


def normalize(text, fmt=None):
    fmt = fmt or detect(text)
    result = PARSERS[fmt](text)
    # dublin with a single flow is a single trace
    if fmt.startswith("dublin") and len(result) == 1:
        result = result[0]["hops"]
    return fmt, result


def dumps(result):
    """JSON, one hop per line (diff-friendly)."""
    if result and "flow" in result[0]:
        return "[\n" + ",\n".join(
            '{"flow": %d, "hops": %s}' % (t["flow"], dumps(t["hops"]))
            for t in result) + "\n]"
    if not result:
        return "[]"
    return "[\n" + ",\n".join("  " + json.dumps(h) for h in result) + "\n]"


def main(argv):
    fmt, path = None, None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--format" and args:
            fmt = args.pop(0)
            if fmt not in PARSERS:
                sys.exit("peerhops.py: --format must be one of " + ", ".join(PARSERS))
        elif path is None:
            path = a
        else:
            sys.exit(__doc__.splitlines()[2])
    if path is None:
        sys.exit(__doc__.splitlines()[2])
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8", errors="replace").read()
    try:
        _fmt, result = normalize(text, fmt)
    except (ValueError, KeyError, TypeError) as e:
        sys.exit("peerhops.py: %s: %s" % (path, e))
    print(dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
