#!/bin/bash
# run-lab-tests.sh BUILD: the live-tracing tests in the namespace lab.
# Needs root (CI runs as root): without it the whole lab is one skip, which
# tests/run-tests.sh counts as a failure under CI=true.  Every scenario of
# labcheck.py, every method, then the forged reply and privilege-drop
# tests; the lab is torn down on any exit.  The middlebox scenarios also
# run traceroute, mtr and scamper and print which hops each tool saw
# ("info" lines).
set -u
BUILD=${1:?usage: run-lab-tests.sh BUILD}
cd "$(dirname "$0")/../.." || exit 1
BUILD=$(cd "$BUILD" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "lab tests skipped: they need root (network namespaces)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

# shellcheck source=lab.sh
. tests/lab/lab.sh
LAB_QUIET=1
lab_trap
OUT=$(mktemp -d /tmp/lasthop-lab.XXXXXX)
cleanup_all() { lab_cleanup; rm -rf "$OUT"; }
trap 'cleanup_all' EXIT
trap 'cleanup_all; trap - EXIT; exit 130' INT TERM

lab_build
lab_serve
total_p=0
total_f=0
run() {
	local line
	python3 tests/lab/labcheck.py "$LAB_PREFIX" "$BUILD" "$OUT" "$@" \
		>"$OUT/log" 2>&1
	cat "$OUT/log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/log" | tail -n 1)
	if [ -z "$line" ]; then
		total_f=$((total_f + 1))
		return
	fi
	total_p=$((total_p + ${line%% passed*}))
	line=${line#*passed, }
	total_f=$((total_f + ${line%% failed*}))
}

# healthy first: its captures are the baselines of the others.
# ipid, csum, frag: middleboxes that rewrite what routers quote (issue 10).
for s in healthy cudrop silent border inner unreach withdrawn hidden ecmp loop \
    ratelimit ipid csum frag; do
	echo "== scenario $s"
	lab_scenario "$s"
	run "$s"
done

echo "== forged replies and privileges"
lab_scenario silent
python3 tests/lab/forge.py "$LAB_PREFIX" "$BUILD" "$OUT" >"$OUT/log" 2>&1
cat "$OUT/log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/log" | tail -n 1)
if [ -n "$line" ]; then
	total_p=$((total_p + ${line%% passed*}))
	line=${line#*passed, }
	total_f=$((total_f + ${line%% failed*}))
else
	total_f=$((total_f + 1))
fi

# LAB_SAVE=DIR keeps lasthop's UDP capture of every path (captures/lab-*:
# the verdict goldens of tests/TESTLIST replay them without root).
if [ -n "${LAB_SAVE:-}" ]; then
	for f in "$OUT"/*-udp.pcap; do
		cp "$f" "$LAB_SAVE/lab-$(basename "$f")"
	done
fi

lab_cleanup
if lab_check_isolation; then
	total_p=$((total_p + 1))
else
	echo "FAIL lab left something behind"
	total_f=$((total_f + 1))
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
