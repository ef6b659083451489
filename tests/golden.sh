#!/bin/sh
# Golden tests (tcpdump's TESTLIST style): each line of tests/TESTLIST is
#   NAME  CAPTURE  OPTIONS...
# and tests/golden/NAME.out is what `lasthop replay OPTIONS CAPTURE` must
# print, byte for byte, with its exit code on the first line ("exit N").
# tests/ANALYZELIST is the same for `lasthop analyze` of pasted text.
# tests/update-golden.sh rewrites the expected files on purpose.
set -u
LASTHOP=${1:?usage: golden.sh LASTHOP}
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The expected outputs were written with the AS image of the dataset version
# pinned in tools/asdb.pin, found where lasthop looks (make deps puts it in
# data/); a different image, or none, changes every annotated hop.
unset LASTHOP_ASDB
want=$(sed -n 's/^version=//p' tools/asdb.pin)
have=$("$LASTHOP" --version | sed -n 's/^AS image: [^ ]* \([^ ]*\) .*/\1/p')
if [ "$have" != "$want" ]; then
	echo "FAIL: the golden tests need the AS image of version $want" \
	    "(make deps); $LASTHOP finds ${have:-none}"
	echo "0 passed, 1 failed"
	exit 1
fi

# tests/TESTLIST runs `lasthop replay`, tests/ANALYZELIST `lasthop analyze`.
for list in TESTLIST:replay ANALYZELIST:analyze; do
cmd=${list#*:}
while read -r name capture opts; do
	case "$name" in ''|'#'*) continue ;; esac
	exp=tests/golden/$name.out
	# shellcheck disable=SC2086
	"$LASTHOP" "$cmd" $opts "$capture" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	{ echo "exit $rc"; cat "$tmp/out"; } >"$tmp/got"
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no expected output $exp (run tests/update-golden.sh)"
		fail=$((fail + 1))
	elif cmp -s "$exp" "$tmp/got"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		diff -u "$exp" "$tmp/got" | head -n 40
		fail=$((fail + 1))
	fi
	if grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
		echo "FAIL $name: sanitizer report"
		cat "$tmp/err"
		fail=$((fail + 1))
	fi
done <"tests/${list%%:*}"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
