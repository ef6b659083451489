#!/bin/sh
# Regenerate tests/golden/*.out from the current binary, on purpose.
# Review the diff (git diff tests/golden) before committing it.
set -eu
LASTHOP=${1:-build/lasthop}
cd "$(dirname "$0")/.."
mkdir -p tests/golden
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# With the AS image of the pinned version only (tests/golden.sh checks it).
unset LASTHOP_ASDB
want=$(sed -n 's/^version=//p' tools/asdb.pin)
have=$("$LASTHOP" --version | sed -n 's/^AS image: [^ ]* \([^ ]*\) .*/\1/p')
if [ "$have" != "$want" ]; then
	echo "update-golden: need the AS image of version $want (make deps);" \
	    "$LASTHOP finds ${have:-none}" >&2
	exit 1
fi
for list in TESTLIST:replay ANALYZELIST:analyze; do
cmd=${list#*:}
while read -r name capture opts; do
	case "$name" in ''|'#'*) continue ;; esac
	rc=0
	# shellcheck disable=SC2086
	"$LASTHOP" "$cmd" $opts "$capture" >"$tmp" 2>/dev/null || rc=$?
	{ echo "exit $rc"; cat "$tmp"; } >"tests/golden/$name.out"
	echo "updated tests/golden/$name.out (exit $rc)"
done <"tests/${list%%:*}"
done
