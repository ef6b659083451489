#!/bin/sh
# run.sh LASTHOP: every healthy capture cut after and inside each of its
# records must never end "died" (tests/cut/check-cuts.py).
LASTHOP=${1:?usage: tests/cut/run.sh LASTHOP}
cd "$(dirname "$0")/../.." || exit 1
exec python3 tests/cut/check-cuts.py "$LASTHOP" captures/peer-*-healthy.pcap \
    captures/lab-healthy-udp.pcap
