#!/bin/sh
# run-fuzz.sh BINDIR SECONDS: a bounded libFuzzer campaign (make fuzz).
#
# Every binary in BINDIR runs for SECONDS, starting from a scratch copy of
# its seed corpus fuzz/corpus/<name>/ plus any tests/*/seeds/<name>/ (an
# empty corpus if there is none; fuzz/corpus/make-seeds.py makes ours), up
# to JOBS targets at a time (default: the number of CPUs).  UBSan reports
# are fatal.  Crash, leak and timeout inputs are kept in
# build-fuzz/crashes/<name>/; add them to tests/crashers/ with a note.
# Prints one line per target (runs, coverage, corpus) and fails if any
# target failed.  FUZZ_KEEP=dir keeps the grown corpora there.
set -u

BINDIR=${1:?usage: run-fuzz.sh BINDIR SECONDS}
SECS=${2:?usage: run-fuzz.sh BINDIR SECONDS}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
CRASHDIR=${CRASHDIR:-$ROOT/build-fuzz/crashes}

case $SECS in
''|*[!0-9]*) echo "run-fuzz: SECONDS must be a whole number: $SECS" >&2; exit 2 ;;
esac
[ -d "$BINDIR" ] || { echo "run-fuzz: no directory $BINDIR" >&2; exit 2; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lh-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT INT TERM

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# run_one NAME BINARY: fuzz one target; its exit status goes to NAME.rc.
run_one() {
	n=$1
	bin=$2
	w=$SCRATCH/$n
	mkdir -p "$w/corpus" "$w/artifacts"
	for d in "$ROOT/fuzz/corpus/$n" "$ROOT"/tests/*/seeds/"$n"; do
		[ -d "$d" ] && cp -R "$d/." "$w/corpus/"
	done
	nseeds=$(find "$w/corpus" -type f | wc -l)
	echo "$nseeds" >"$w/seeds"
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$w/artifacts/" \
		"$w/corpus" >"$w/log" 2>&1
	echo $? >"$w/rc"
}

names=""
running=0
for bin in "$BINDIR"/*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	n=$(basename "$bin")
	names="$names $n"
	run_one "$n" "$bin" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait
[ -n "$names" ] || { echo "run-fuzz: no fuzz binaries in $BINDIR" >&2; exit 2; }

failed=0
printf '%-24s %6s %12s %8s %8s %7s  %s\n' target seeds runs "exec/s" cov corpus result
for n in $names; do
	w=$SCRATCH/$n
	rc=$(cat "$w/rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$w/log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' "$w/log" | tail -n 1)
	corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' "$w/log" | tail -n 1)
	nart=$(find "$w/artifacts" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ "$nart" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc, $nart inputs kept in $CRASHDIR/$n)"
		failed=$((failed + 1))
		mkdir -p "$CRASHDIR/$n"
		cp "$w/artifacts/"* "$CRASHDIR/$n/" 2>/dev/null
		cp "$w/log" "$CRASHDIR/$n/fuzz.log"
	fi
	printf '%-24s %6s %12s %8s %8s %7s  %s\n' "$n" "$(cat "$w/seeds")" \
		"${runs:-?}" "${eps:-?}" "${cov:-?}" "${corp:-?}" "$result"
	if [ "$result" != ok ]; then
		grep -E 'ERROR: |runtime error|SUMMARY' "$w/log" | head -n 5 |
			sed 's/^/    | /'
	fi
	if [ -n "${FUZZ_KEEP:-}" ]; then
		mkdir -p "$FUZZ_KEEP/$n"
		cp "$w/corpus/"* "$FUZZ_KEEP/$n/" 2>/dev/null
	fi
done
echo "run-fuzz: $(echo $names | wc -w) targets, ${SECS}s each, $failed failed"
[ "$failed" -eq 0 ]
