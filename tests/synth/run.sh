#!/bin/sh
# run.sh LASTHOP: the synthetic captures' independent check.
#
# make-synth.py writes every capture again, with its truth files, into a
# temporary directory.  Each must be byte-identical to the committed
# captures/synth-* (the goldens' inputs are what the generator says they
# are), and no committed synth capture may lack a generator case.  Then
# check-synth.py compares lasthop's JSON of every capture with the truth,
# written from how the capture was built, not from lasthop's output.
# One line per check, and "N passed, N failed".
set -u
LASTHOP=${1:?usage: tests/synth/run.sh LASTHOP}
case $LASTHOP in /*) ;; *) LASTHOP=$PWD/$LASTHOP ;; esac
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lh-synth.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! python3 tests/synth/make-synth.py -o "$tmp/cap" --truth "$tmp/truth" \
    >"$tmp/gen.log" 2>&1; then
	echo "FAIL make-synth.py:"
	sed 's/^/    /' "$tmp/gen.log"
	echo "0 passed, 1 failed"
	exit 1
fi
for f in "$tmp"/cap/*; do
	n=$(basename "$f")
	if [ ! -f "captures/$n" ]; then
		echo "FAIL $n: generated, but not in captures/"
		fail=$((fail + 1))
	elif cmp -s "$f" "captures/$n"; then
		pass=$((pass + 1))
	else
		echo "FAIL $n: differs from what make-synth.py writes"
		fail=$((fail + 1))
	fi
done
for f in captures/synth-*; do
	[ -e "$f" ] || continue
	if [ ! -f "$tmp/cap/$(basename "$f")" ]; then
		echo "FAIL $f: no make-synth.py case writes it"
		fail=$((fail + 1))
	fi
done
echo "$pass captures identical to what make-synth.py writes"

# check-synth.py replays the captures the truth files name, those just
# generated: byte for byte the committed ones, or failed above.
python3 tests/synth/check-synth.py "$LASTHOP" "$tmp/truth" >"$tmp/check.log" 2>&1
rc=$?
cat "$tmp/check.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/check.log" | tail -n 1)
if [ -z "$line" ]; then
	echo "FAIL check-synth.py: no result (exit $rc)"
	fail=$((fail + 1))
else
	set -- $line
	pass=$((pass + $1))
	fail=$((fail + $3))
	[ "$rc" -ne 0 ] && [ "$3" -eq 0 ] && fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
