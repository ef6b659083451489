#!/bin/bash
# bench-live.sh: wall time to the final result for a path that dies at the
# North Korean border, lasthop against traceroute, mtr and scamper with the
# same probes per hop (3) and wait (1 s), in one run of the namespace lab.
# Root only; the lab is built and torn down here.  Reports, never fails on
# the figures (machines are noisy); exits non-zero only if a tool fails.
set -u
cd "$(dirname "$0")/.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "bench-live: needs root (network namespaces)" >&2; exit 1; }
[ -x ./lasthop ] || { echo "bench-live: build ./lasthop first (make)" >&2; exit 1; }
RUNS=${BENCH_RUNS:-3}
. tests/lab/lab.sh
LAB_QUIET=1
lab_trap
lab_build
lab_serve
lab_scenario border
T=175.45.176.71

# best wall time in seconds of RUNS runs of a command inside vp
best() {
	local b="" s e d i
	for i in $(seq "$RUNS"); do
		s=$(date +%s%N)
		lab_exec vp timeout 120 "$@" >/dev/null 2>&1 || { echo "FAIL"; return 1; }
		e=$(date +%s%N)
		d=$(( (e - s) / 1000000 ))
		if [ -z "$b" ] || [ "$d" -lt "$b" ]; then b=$d; fi
	done
	echo "$b"
}

declare -A ms
ms[lasthop]=$(best ./lasthop trace -n -q 3 -w 1 --no-save $T)
ms[traceroute]=$(best traceroute -n -q 3 -w 1 $T)
ms[mtr]=$(best mtr -r -n -c 3 $T)
ms[scamper]=$(best scamper -c "trace -q 3 -w 1" -i $T)

printf '%-12s %10s\n' tool "best of $RUNS (ms)"
for t in lasthop traceroute mtr scamper; do
	printf '%-12s %10s\n' "$t" "${ms[$t]}"
done
fastest=""
for t in traceroute mtr scamper; do
	v=${ms[$t]}
	[ "$v" = FAIL ] && continue
	if [ -z "$fastest" ] || [ "$v" -lt "${ms[$fastest]}" ]; then fastest=$t; fi
done
if [ "${ms[lasthop]}" = FAIL ] || [ -z "$fastest" ]; then
	echo "bench-live: a tool failed"; exit 1
fi
ratio=$(awk -v a="${ms[lasthop]}" -v b="${ms[$fastest]}" 'BEGIN { printf "%.3f", a / b }')
echo "lasthop / fastest peer ($fastest): $ratio (target <= 0.5)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.5) }' && echo "target met" || echo "target missed"
