#!/bin/sh
# asdb-bench.sh: `make bench`: how fast the world-wide AS image starts and
# answers, beside references (bench/asdb-bench.c says what each line is).
#
#   bench/asdb-bench.sh                  data/asn-ipv4.asdb, 10,000,000 lookups
#   LOOKUPS=1000000 IMAGE=x.asdb bench/asdb-bench.sh
#
# Targets: time to first lookup (image alone) < 5 ms; >= 10 M lookups/s
# (asdb_lookup, uniform and in-range addresses; judged on CPU time, which
# the other load of a shared machine disturbs less than wall time, and
# printed with both).  Also times `lasthop asdb
# lookup` as a whole process beside `lasthop --help` (no image opened).
# Reports "target met" / "target missed"; exit 1 only when it cannot measure.
set -eu
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-data/asn-ipv4.asdb}
CSV=${CSV:-data/asn-ipv4.csv}
LOOKUPS=${LOOKUPS:-10000000}
OUT=bench/out
CC=${CC:-cc}
FLAGS="-std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 -Iinclude -D_DEFAULT_SOURCE"

[ -f "$IMAGE" ] || { echo "asdb-bench: no $IMAGE (make deps builds it)" >&2; exit 1; }
mkdir -p "$OUT"
if make -s build/liblasthop.a >/dev/null 2>&1; then
	$CC $FLAGS -o "$OUT/asdb-bench" bench/asdb-bench.c build/liblasthop.a \
		-lpcap -lnet -ljansson -ldumbnet -lm
else
	$CC $FLAGS -o "$OUT/asdb-bench" bench/asdb-bench.c src/asdb.c \
		src/asmap.c src/asmap_load.c src/asdata_default.c src/util.c \
		-ljansson -ldumbnet -lm
fi
cat "$IMAGE" >/dev/null		# the page cache, as after any earlier run
set -- "$OUT/asdb-bench" "$IMAGE" "$LOOKUPS"
[ -f "$CSV" ] && set -- "$@" "$CSV"
"$@" | tee "$OUT/asdb-bench.txt"

# Whole processes: the image opened and one answer, against none.
proc_ms() {	# proc_ms CMD...: best wall time of 21 runs, ms
	best=""
	i=0
	while [ $i -lt 21 ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		d=$((t1 - t0))
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
		i=$((i + 1))
	done
	awk -v ns="$best" 'BEGIN { printf "%.2f", ns / 1e6 }'
}
if [ -x ./lasthop ]; then
	echo "process: ./lasthop asdb lookup --asdb IMAGE 62.115.9.1  $(proc_ms ./lasthop asdb lookup --asdb "$IMAGE" 62.115.9.1) ms (best of 21)"
	echo "reference: ./lasthop --help                          $(proc_ms ./lasthop --help) ms"
fi

awk '
/^time to first lookup, image alone/ {
	for (i = 1; i <= NF; i++) if ($i == "best") b = $(i + 1)
	printf "target %s: time to first lookup %.3f ms (best; target < 5 ms)\n",
	    (b + 0 < 5 ? "met" : "missed"), b }
/^asdb_lookup, / {
	what = $0
	sub(/^asdb_lookup, /, "", what)
	sub(/:.*/, "", what)
	w = $0; sub(/ M\/s wall.*/, "", w); sub(/.* /, "", w)
	c = $0; sub(/ M\/s CPU.*/, "", c); sub(/.* /, "", c)
	printf "target %s: asdb_lookup of %s: %.1f M lookups/s of CPU time, %.1f of wall (target >= 10)\n",
	    (c + 0 >= 10 ? "met" : "missed"), what, c, w }
' "$OUT/asdb-bench.txt"
