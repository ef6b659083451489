#!/bin/sh
# run-bench.sh: `make bench`: how fast, and in how much memory, lasthop
# replays large captures, side by side with a tcpdump read-through of each.
#
# Builds bench/gen-capture.c into bench/out/ and writes four deterministic
# captures there (again whenever gen-capture.c is newer than them):
#   bench-1m.pcap, bench-4m.pcap  four long-running measurements side by
#                                 side (gen-capture's default)
#   sweep-1m.pcap, sweep-4m.pcap  a sweep of one /22 (gen-capture --sweep):
#                                 about 14,000 short traces per million
#                                 packets, 80 in flight at a time
# Then, for each capture, it runs each of these $BENCH_RUNS times on the
# same machine and keeps the best (minimum) wall time, the CPU time (user +
# system, all threads) of that run and the highest peak RSS (GNU time %M):
#   reference  tcpdump -r FILE -w /dev/null
#   lasthop    ./lasthop replay FILE > /dev/null (annotation and verdict
#              on a worker thread when there are two CPUs; the AS image
#              that make deps built is loaded: its line names it)
#              ./lasthop replay --no-asdb FILE > /dev/null (without it)
#              ./lasthop replay --threads 1 FILE > /dev/null
#              ./lasthop replay --no-verdict FILE > /dev/null (paths only)
#              ./lasthop replay --format json FILE > /dev/null
# It prints wall and CPU time, packets/s, peak RSS and the time ratio to
# the reference for every capture, and peak RSS at both sizes.
#
# Targets, for both kinds of capture: the default replay's wall time <=
# 1.5x the reference, --format json's <= 3x; peak RSS flat across capture
# sizes (the large capture's within 10% of the small one's) and under
# 32 MiB.  Reported as "target met" / "target missed" lines, the other
# modes' ratios as "figure" lines.  A benchmark reports, it does not fail
# on noise.
#
# Environment: BENCH_COUNT  packets in the small captures, 4..25000000
#                           (default 1000000; the large ones have 4x)
#              BENCH_RUNS   runs per command, 1..100 (default 5)
#              BENCH_KINDS  which captures: "bench sweep" (the default),
#                           "bench" or "sweep"
#              CC           compiler for the generator (default cc)
# Exit: 0 measured (targets met or not); 1 a tool is missing, the generator
# does not build, or ./lasthop is missing or fails; 2 bad environment value.
set -eu

cd "$(dirname "$0")/.."
OUT=bench/out
GEN=$OUT/gen-capture
COUNT=${BENCH_COUNT:-1000000}
RUNS=${BENCH_RUNS:-5}
KINDS=${BENCH_KINDS:-bench sweep}
CC=${CC:-cc}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
-Wpointer-arith -Wcast-qual -Wformat=2"
TIME_MAX_RATIO=1.5		# replay wall / reference wall
JSON_MAX_RATIO=3		# replay --format json wall / reference wall
RSS_MAX_RATIO=1.10		# peak RSS large / small capture
RSS_MAX_KIB=32768		# peak RSS, any capture

die() {
	echo "bench: $*" >&2
	exit 1
}

# check_int NAME VALUE LO HI: a decimal in [LO, HI], else exit 2.
check_int() {
	case $2 in
	'' | *[!0-9]*) ;;
	*)
		if [ ${#2} -le 10 ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
			return 0
		fi
		;;
	esac
	echo "bench: $1=\"$2\": not a number in $3..$4" >&2
	exit 2
}

# cname N: short name of a packet count (1000000 -> 1m, 250000 -> 250k).
cname() {
	if [ $(($1 % 1000000)) -eq 0 ]; then
		echo "$(($1 / 1000000))m"
	elif [ $(($1 % 1000)) -eq 0 ]; then
		echo "$(($1 / 1000))k"
	else
		echo "$1"
	fi
}

# gen_capture N FILE [ARG]: write FILE (N packets, gen-capture ARG) unless
# it is up to date.
gen_capture() {
	if [ -s "$2" ] && [ -z "$(find bench/gen-capture.c -newer "$2")" ]; then
		echo "capture $2: up to date (rewritten when gen-capture.c changes)"
	else
		echo "capture $2: generating $1 packets"
		# shellcheck disable=SC2086
		"$GEN" ${3:-} --count "$1" "$2.tmp" 2>"$OUT/gen.log" ||
			{ cat "$OUT/gen.log" >&2; rm -f "$2.tmp"; die "gen-capture failed"; }
		mv "$2.tmp" "$2"
		sed 's/^gen-capture: /  /; s/^  /    /; s/\.tmp$//' "$OUT/gen.log"
	fi
}

# describe FILE: print size, packet count (counted by a reader, not
# assumed) and a digest, so runs on different machines can be compared;
# sets PKTS.
describe() {
	bytes=$(wc -c <"$1" | tr -d ' ')
	if command -v capinfos >/dev/null 2>&1; then
		pkts=$(capinfos -M -c "$1" | awk '/Number of packets/ {print $NF}')
	else
		pkts=$(tcpdump -qnr "$1" 2>/dev/null | wc -l | tr -d ' ')
	fi
	sum=$(sha256sum "$1" | cut -c1-16)
	awk -v f="$1" -v b="$bytes" -v p="$pkts" -v s="$sum" 'BEGIN {
		printf "  %s: %d packets, %d bytes (%.1f MiB), sha256 %s...\n",
		    f, p, b, b / 1048576, s }'
	PKTS=$pkts
}

# measure CMD...: run CMD $RUNS times, stdout to /dev/null, stderr kept in
# $OUT/stderr.txt.  Sets M_WALL (best wall, seconds), M_CPU (user + system
# CPU seconds of that best run, all threads) and M_RSS (highest peak RSS,
# KiB).  Returns CMD's exit status when a run fails.
measure() {
	M_WALL=""
	M_CPU=0
	M_RSS=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		set +e
		/usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" \
			>/dev/null 2>"$OUT/stderr.txt"
		st=$?
		set -e
		t1=$(date +%s%N)
		[ "$st" -eq 0 ] || return "$st"
		ns=$((t1 - t0))
		kib=$(tail -n 1 "$OUT/time.txt" | awk '{print $2}')
		if [ -z "$M_WALL" ] || [ "$ns" -lt "$M_WALL" ]; then
			M_WALL=$ns
			M_CPU=$(tail -n 1 "$OUT/time.txt" |
			    awk '{ printf "%.2f", $3 + $4 }')
		fi
		if [ "$kib" -gt "$M_RSS" ]; then
			M_RSS=$kib
		fi
		i=$((i + 1))
	done
	M_WALL=$(awk -v ns="$M_WALL" 'BEGIN { printf "%.4f", ns / 1e9 }')
}

# lasthop_fail WHAT STATUS: say why lasthop could not be measured, exit 1.
lasthop_fail() {
	echo "bench: cannot measure lasthop: \`$1\` failed (exit status $2)" >&2
	if [ -s "$OUT/stderr.txt" ]; then
		echo "bench: its stderr began:" >&2
		head -n 5 "$OUT/stderr.txt" | sed 's/^/  /' >&2
	fi
	exit 1
}

row() {	# row LABEL WALL RSS_KIB REF_WALL CPU PKTS
	awk -v l="$1" -v w="$2" -v r="$3" -v ref="$4" -v c="$5" -v p="$6" 'BEGIN {
		printf "%-34s %8.3f %8.2f %10.0f %8.1f %8.2fx\n", l, w, c,
		    (w > 0 ? p / w : 0), r / 1024, (ref > 0 ? w / ref : 0) }'
}

rss_row() {	# rss_row LABEL SMALL_KIB LARGE_KIB
	awk -v l="$1" -v s="$2" -v g="$3" 'BEGIN {
		printf "%-34s %12.1f %12.1f %8.2fx\n",
		    l, s / 1024, g / 1024, (s > 0 ? g / s : 0) }'
}

# time_target LABEL WALL REF_WALL MAX: a time target line.
time_target() {
	awk -v l="$1" -v w="$2" -v ref="$3" -v max="$4" 'BEGIN {
		r = (ref > 0 ? w / ref : 0)
		printf "target %s: %s takes %.2fx the tcpdump read-through (target <= %.1fx)\n",
		    (ref > 0 && r <= max ? "met" : "missed"), l, r, max }'
}

# ratio_line LABEL WALL REF_WALL WHY: a figure no target covers.
ratio_line() {
	awk -v l="$1" -v w="$2" -v ref="$3" -v why="$4" 'BEGIN {
		printf "figure: %s takes %.2fx the tcpdump read-through (%s)\n",
		    l, (ref > 0 ? w / ref : 0), why }'
}

# rss_target LABEL SMALL_KIB LARGE_KIB: the flat-memory target line.
rss_target() {
	awk -v l="$1" -v s="$2" -v g="$3" -v max="$RSS_MAX_RATIO" \
	    -v cap="$RSS_MAX_KIB" -v sn="$SMALL_NAME" -v gn="$LARGE_NAME" 'BEGIN {
		ok = (g <= s * max && s <= cap && g <= cap)
		printf "target %s: %s peak RSS %.1f MiB at %s, %.1f MiB at %s packets (x%.2f; target <= x%.2f and < %d MiB)\n",
		    (ok ? "met" : "missed"), l, s / 1024, sn, g / 1024, gn,
		    (s > 0 ? g / s : 0), max, cap / 1024 }'
}

# ---------------------------------------------------------------- setup

check_int BENCH_COUNT "$COUNT" 4 25000000
check_int BENCH_RUNS "$RUNS" 1 100
for k in $KINDS; do
	case $k in
	bench | sweep) ;;
	*)
		echo "bench: BENCH_KINDS=\"$KINDS\": \"$k\" is neither bench nor sweep" >&2
		exit 2
		;;
	esac
done
[ -n "$KINDS" ] || { echo "bench: BENCH_KINDS is empty" >&2; exit 2; }
SMALL=$COUNT
LARGE=$((COUNT * 4))
SMALL_NAME=$(cname "$SMALL")
LARGE_NAME=$(cname "$LARGE")

command -v tcpdump >/dev/null 2>&1 || die "tcpdump not found (make deps installs it)"
/usr/bin/time --version 2>&1 | grep -q GNU ||
	die "/usr/bin/time is not GNU time (make deps installs package time)"

LASTHOP_WHY=""
if [ ! -e ./lasthop ]; then
	LASTHOP_WHY="./lasthop does not exist (build it with make)"
elif [ ! -x ./lasthop ]; then
	LASTHOP_WHY="./lasthop is not executable"
fi
[ -z "$LASTHOP_WHY" ] ||
	echo "bench: $LASTHOP_WHY; measuring the reference only" >&2

mkdir -p "$OUT"
# shellcheck disable=SC2086
"$CC" -O2 -std=c11 $WARN -o "$GEN" bench/gen-capture.c -lpcap ||
	die "cannot build bench/gen-capture.c (needs libpcap-dev: make deps)"

for k in $KINDS; do
	arg=""
	[ "$k" = sweep ] && arg=--sweep
	gen_capture "$SMALL" "$OUT/$k-$SMALL_NAME.pcap" "$arg"
	gen_capture "$LARGE" "$OUT/$k-$LARGE_NAME.pcap" "$arg"
done
for k in $KINDS; do
	describe "$OUT/$k-$SMALL_NAME.pcap"
	describe "$OUT/$k-$LARGE_NAME.pcap"
done

echo
echo "measuring, best of $RUNS runs each, on $(uname -m) with $(nproc) CPUs"
[ -n "$LASTHOP_WHY" ] || echo "lasthop replay loads the AS image: $(./lasthop \
    --version | sed -n 's/^AS image: //p')"

# bench_size FILE: the reference and every lasthop mode on FILE, one table.
# Sets REF_WALL, REF_RSS, TXT_WALL, TXT_RSS, ONE_WALL, NOV_WALL, JSON_WALL,
# JSON_RSS.
bench_size() {
	describe "$1" >/dev/null
	pkts=$PKTS
	cat "$1" >/dev/null	# into the page cache
	echo
	printf '%-34s %8s %8s %10s %8s %9s\n' "$(basename "$1")" \
	    "wall s" "CPU s" "packets/s" "RSS MiB" "ratio"
	measure tcpdump -r "$1" -w /dev/null ||
		die "tcpdump -r $1 -w /dev/null failed: $(head -n 3 "$OUT/stderr.txt")"
	REF_WALL=$M_WALL
	REF_RSS=$M_RSS
	row "tcpdump -r FILE -w /dev/null (ref)" "$REF_WALL" "$REF_RSS" \
	    "$REF_WALL" "$M_CPU" "$pkts"
	[ -z "$LASTHOP_WHY" ] || die "cannot measure lasthop: $LASTHOP_WHY"

	measure ./lasthop replay "$1" ||
		lasthop_fail "./lasthop replay $1" $?
	TXT_WALL=$M_WALL
	TXT_RSS=$M_RSS
	row "lasthop replay" "$M_WALL" "$M_RSS" "$REF_WALL" "$M_CPU" "$pkts"

	measure ./lasthop replay --no-asdb "$1" ||
		lasthop_fail "./lasthop replay --no-asdb $1" $?
	NOA_WALL=$M_WALL
	row "lasthop replay --no-asdb" "$M_WALL" "$M_RSS" "$REF_WALL" \
	    "$M_CPU" "$pkts"

	measure ./lasthop replay --threads 1 "$1" ||
		lasthop_fail "./lasthop replay --threads 1 $1" $?
	ONE_WALL=$M_WALL
	row "lasthop replay --threads 1" "$M_WALL" "$M_RSS" "$REF_WALL" \
	    "$M_CPU" "$pkts"

	measure ./lasthop replay --no-verdict "$1" ||
		lasthop_fail "./lasthop replay --no-verdict $1" $?
	NOV_WALL=$M_WALL
	row "lasthop replay --no-verdict" "$M_WALL" "$M_RSS" "$REF_WALL" \
	    "$M_CPU" "$pkts"

	measure ./lasthop replay --format json "$1" ||
		lasthop_fail "./lasthop replay --format json $1" $?
	JSON_WALL=$M_WALL
	JSON_RSS=$M_RSS
	row "lasthop replay --format json" "$M_WALL" "$M_RSS" "$REF_WALL" \
	    "$M_CPU" "$pkts"
}

for k in $KINDS; do
	small=$OUT/$k-$SMALL_NAME.pcap
	large=$OUT/$k-$LARGE_NAME.pcap
	echo
	if [ "$k" = sweep ]; then
		echo "== the sweep capture: many short traces, 80 in flight"
	else
		echo "== the 4-trace capture: four long-running measurements"
	fi

	# One checked run of each output first: it must succeed and print.
	if [ -z "$LASTHOP_WHY" ]; then
		for fmt in text json; do
			set +e
			./lasthop replay --format "$fmt" "$small" \
			    >"$OUT/replay-$k-$SMALL_NAME.$fmt" 2>"$OUT/stderr.txt"
			st=$?
			set -e
			[ "$st" -eq 0 ] ||
				lasthop_fail "./lasthop replay --format $fmt $small" "$st"
			[ -s "$OUT/replay-$k-$SMALL_NAME.$fmt" ] ||
				die "cannot measure lasthop: \`./lasthop replay --format $fmt $small\` printed nothing"
		done
	fi

	bench_size "$small"
	S_REF=$REF_WALL S_REF_RSS=$REF_RSS S_TXT=$TXT_WALL S_TXT_RSS=$TXT_RSS
	S_ONE=$ONE_WALL S_NOV=$NOV_WALL S_JSON=$JSON_WALL S_JSON_RSS=$JSON_RSS
	S_NOA=$NOA_WALL
	bench_size "$large"

	echo
	printf '%-34s %12s %12s %9s\n' "peak RSS MiB by capture size" \
	    "$SMALL_NAME pkts" "$LARGE_NAME pkts" "ratio"
	rss_row "tcpdump -r FILE -w /dev/null (ref)" "$S_REF_RSS" "$REF_RSS"
	rss_row "lasthop replay" "$S_TXT_RSS" "$TXT_RSS"
	rss_row "lasthop replay --format json" "$S_JSON_RSS" "$JSON_RSS"

	echo
	for sz in "$SMALL_NAME" "$LARGE_NAME"; do
		if [ "$sz" = "$SMALL_NAME" ]; then
			ref=$S_REF txt=$S_TXT one=$S_ONE nov=$S_NOV json=$S_JSON
			noa=$S_NOA
		else
			ref=$REF_WALL txt=$TXT_WALL one=$ONE_WALL nov=$NOV_WALL
			json=$JSON_WALL noa=$NOA_WALL
		fi
		time_target "lasthop replay ($k-$sz)" "$txt" "$ref" \
		    "$TIME_MAX_RATIO"
		time_target "lasthop replay --format json ($k-$sz)" "$json" \
		    "$ref" "$JSON_MAX_RATIO"
		ratio_line "lasthop replay --threads 1 ($k-$sz)" "$one" "$ref" \
		    "the same work on one thread, without the replay worker"
		ratio_line "lasthop replay --no-verdict ($k-$sz)" "$nov" "$ref" \
		    "paths only, no annotation or verdict"
		ratio_line "lasthop replay --no-asdb ($k-$sz)" "$noa" "$ref" \
		    "the default replay without the world-wide AS image"
	done
	rss_target "lasthop replay ($k)" "$S_TXT_RSS" "$TXT_RSS"
	rss_target "lasthop replay --format json ($k)" "$S_JSON_RSS" "$JSON_RSS"
done
exit 0
