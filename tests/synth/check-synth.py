#!/usr/bin/env python3
"""
check-synth.py: compare `lasthop replay -F json` on each synthetic capture
with what make-synth.py knows the capture holds (its --truth files).

usage: tests/synth/check-synth.py LASTHOP TRUTHDIR [NAME...]

For every trace: source, destination, method, stop reason, the hops and
their probes (send time, IP ID, size, who answered, RTT to the microsecond,
reply kind, ICMP type/code, reply and quoted TTL, reply size, MPLS labels,
late, nat, duplicates) and the per-trace counters.  Prints one line per
difference and "N passed, M failed" (captures).  tests/synth/run.sh runs it
in `make check`: the truth is written from how each capture was built, not
from lasthop's output, so it checks what the goldens (regenerated from the
binary) cannot.
"""
import json
import os
import subprocess
import sys


def probe_diffs(where, want, got):
    d = []

    def cmp(key, w, g):
        if w != g:
            d.append('%s: %s: want %r, got %r' % (where, key, w, g))
    cmp('sent', want['sent'], got.get('sent'))
    cmp('ipid', want['ipid'], got.get('ipid'))
    cmp('size', want['size'], got.get('size'))
    cmp('addr', want['addr'], got.get('addr'))
    if want['addr'] is None:
        return d
    rtt = got.get('rtt_ms')
    cmp('rtt_us', want['rtt_us'], None if rtt is None else round(rtt * 1000))
    cmp('reply', want['reply'], got.get('reply'))
    cmp('icmp_type', want.get('icmp_type'), got.get('icmp_type'))
    cmp('icmp_code', want.get('icmp_code'), got.get('icmp_code'))
    cmp('reply_ttl', want['reply_ttl'], got.get('reply_ttl'))
    cmp('quoted_ttl', want.get('quoted_ttl'), got.get('quoted_ttl'))
    cmp('reply_size', want['reply_size'], got.get('reply_size'))
    cmp('late', want['late'], got.get('late', False))
    cmp('nat', want['nat'], got.get('nat', False))
    cmp('dups', want['dups'], got.get('dups', 0))
    gm = [[m['label'], m['tc'], m['s'], m['ttl']] for m in got.get('mpls', [])]
    cmp('mpls', [list(x) for x in want['mpls']], gm)
    return d


def trace_diffs(i, want, got):
    d = []
    w = 'trace %d' % (i + 1)
    for k in ('src', 'dst', 'method', 'stop_reason', 'unmatched_replies'):
        if want[k] != got.get(k):
            d.append('%s: %s: want %r, got %r' % (w, k, want[k], got.get(k)))
    if want.get('ambiguous_replies', 0) != got.get('ambiguous_replies'):
        d.append('%s: ambiguous_replies: want %r, got %r' % (
            w, want.get('ambiguous_replies', 0), got.get('ambiguous_replies')))
    np = sum(len(h['probes']) for h in want['hops'])
    past = want.get('past_destination', 0)
    # hops past the destination are hidden by lasthop; so are their probes
    whops = want['hops']
    if past:
        cut = len(whops)
        n = 0
        while n < past:
            cut -= 1
            n += len(whops[cut]['probes'])
        whops = whops[:cut]
    nans = sum(1 for h in want['hops'] for p in h['probes'] if p['addr'])
    ndup = sum(p.get('dups', 0) for h in whops for p in h['probes'])
    nlate = sum(1 for h in whops for p in h['probes'] if p.get('late'))
    nnat = sum(1 for h in whops for p in h['probes'] if p.get('nat'))
    for k, v in (('probes_sent', np), ('replies', nans),
                 ('duplicates', ndup), ('late', nlate), ('nat_matched', nnat),
                 ('probes_past_end', past)):
        if v != got.get(k):
            d.append('%s: %s: want %r, got %r' % (w, k, v, got.get(k)))
    gh = got.get('hops', [])
    if [h['ttl'] for h in whops] != [h['ttl'] for h in gh]:
        d.append('%s: hop TTLs: want %r, got %r' % (
            w, [h['ttl'] for h in whops], [h['ttl'] for h in gh]))
        return d
    for hw, hg in zip(whops, gh):
        if len(hw['probes']) != len(hg['probes']):
            d.append('%s ttl %d: want %d probes, got %d' % (
                w, hw['ttl'], len(hw['probes']), len(hg['probes'])))
            continue
        for k, (pw, pg) in enumerate(zip(hw['probes'], hg['probes'])):
            d += probe_diffs('%s ttl %d probe %d' % (w, hw['ttl'], k + 1),
                             pw, pg)
    return d


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    lasthop, tdir = argv[0], argv[1]
    names = argv[2:] or sorted(f[:-len('.truth.json')]
                               for f in os.listdir(tdir)
                               if f.endswith('.truth.json'))
    passed = failed = 0
    for name in names:
        with open(os.path.join(tdir, name + '.truth.json')) as f:
            truth = json.load(f)
        r = subprocess.run([lasthop, 'replay', '-F', 'json', truth['file']],
                           capture_output=True, text=True)
        diffs = []
        if r.returncode != 0:
            diffs.append('exit %d: %s' % (r.returncode, r.stderr.strip()))
        try:
            got = json.loads(r.stdout)
        except ValueError as e:
            failed += 1
            print('FAIL %s' % name)
            for x in diffs + ['not JSON: %s' % e]:
                print('   ' + x)
            continue
        gt = got['traces']
        wt = truth['traces']
        # the order of traces is lasthop's to choose: pair them by flow
        key = lambda t: (t['dst'], t['method'])
        gmap = {key(t): t for t in gt}
        if len(gt) != len(wt):
            diffs.append('want %d traces, got %d' % (len(wt), len(gt)))
        for i, t in enumerate(wt):
            g = gmap.get(key(t))
            if g is None:
                diffs.append('trace %d (%s %s) missing' % ((i + 1,) + key(t)))
                continue
            diffs += trace_diffs(i, t, g)
        fs = got['files'][0]
        if fs['frames'] != truth['frames']:
            diffs.append('frames: want %d, got %d' % (truth['frames'],
                                                     fs['frames']))
        n = truth['notes']
        for k, v in (('not_ipv4', n.get('not_ipv4', 0)),
                     ('fragments', n.get('fragment', 0))):
            if fs['ignored'][k] != v:
                diffs.append('ignored.%s: want %d, got %d' % (
                    k, v, fs['ignored'][k]))
        want_orph = sum(t['unmatched_replies'] for t in wt)
        if fs['unmatched_replies'] != want_orph:
            diffs.append('file unmatched_replies: want %d, got %d' % (
                want_orph, fs['unmatched_replies']))
        if diffs:
            failed += 1
            print('FAIL %s' % name)
            for x in diffs[:25]:
                print('   ' + x)
            if len(diffs) > 25:
                print('   ... %d more' % (len(diffs) - 25))
        else:
            passed += 1
            print('ok   %s' % name)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
