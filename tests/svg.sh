#!/bin/sh
# The SVG of every lab capture: well-formed (xmllint), names its networks,
# shows the verdict, and marks the handoff edge wherever the analysis found
# one (the legend's "━━ handoff" alone does not count).
set -u
LASTHOP=${1:?usage: svg.sh LASTHOP}
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cap in captures/lab-*.pcap; do
	n=$(basename "$cap" .pcap)
	why=""
	if ! "$LASTHOP" replay -F svg -o "$tmp/$n.svg" "$cap" 2>"$tmp/err"; then
		why="replay failed: $(cat "$tmp/err")"
	elif ! xmllint --noout "$tmp/$n.svg" 2>"$tmp/err"; then
		why="not well-formed: $(head -n 3 "$tmp/err")"
	elif ! grep -q 'AS4837\|AS20485' "$tmp/$n.svg" &&
	    ! grep -q 'private' "$tmp/$n.svg"; then
		why="no network names"
	elif ! grep -q '>verdict: ' "$tmp/$n.svg"; then
		why="no verdict caption"
	else
		"$LASTHOP" replay -F json "$cap" >"$tmp/$n.json" 2>/dev/null
		# (a trace without a handoff has "handoff":null in the JSON)
		if grep -q '"handoff":{' "$tmp/$n.json" &&
		    ! grep -q '>handoff<' "$tmp/$n.svg"; then
			why="a handoff was found but no edge is marked"
		fi
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $n: $why"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
