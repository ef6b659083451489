#!/bin/sh
# asmap-bench.sh: build bench/asmap-bench.c, generate a full-size pfx2as file,
# time its load and 10,000,000 lookups, next to reference timings of plain
# tools on the same file (same machine, same page cache).
#
#   bench/asmap-bench.sh            N=1000000 prefixes, LOOKUPS=10000000
#   N=200000 LOOKUPS=1000000 bench/asmap-bench.sh
#
# Links against build/liblasthop.a (built with `make`); if that fails (another
# module mid-edit) the asmap sources are compiled directly with the same flags.
set -eu
cd "$(dirname "$0")/.."

N=${N:-1000000}
LOOKUPS=${LOOKUPS:-10000000}
OUT=${ASMAP_BENCH_DIR:-${TMPDIR:-/tmp}/lasthop-asmap-bench}
CC=${CC:-cc}
FLAGS="-std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 -Iinclude -D_DEFAULT_SOURCE"
LIBS="-ljansson -ldumbnet -lm"

mkdir -p "$OUT"
if make -s build/liblasthop.a >/dev/null 2>&1; then
	echo "building against build/liblasthop.a"
	$CC $FLAGS -o "$OUT/asmap-bench" bench/asmap-bench.c build/liblasthop.a \
		-lpcap -lnet $LIBS
else
	echo "make failed: compiling the asmap sources directly"
	$CC $FLAGS -o "$OUT/asmap-bench" bench/asmap-bench.c src/asmap.c src/asdb.c \
		src/asmap_load.c src/asdata_default.c src/util.c $LIBS
fi

FILE="$OUT/pfx2as-$N.txt"
[ -s "$FILE" ] || "$OUT/asmap-bench" gen "$FILE" "$N"
echo "file: $FILE ($(wc -c <"$FILE") bytes)"

# wall-clock seconds of a command (output discarded)
secs() {
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'
}

cat "$FILE" >/dev/null		# warm the page cache
echo "reference: cat FILE > /dev/null   $(secs cat "$FILE") s"
echo "reference: wc -l FILE             $(secs wc -l "$FILE") s"
echo "reference: sort FILE              $(secs sort "$FILE") s"
echo "reference: LC_ALL=C sort FILE     $(secs env LC_ALL=C sort "$FILE") s"
"$OUT/asmap-bench" run "$FILE" "$LOOKUPS"
