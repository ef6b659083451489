#!/bin/sh
# mutate.sh: mutation checks: does the test suite notice when the code is
# wrong?  Every entry of tests/mutations.list (a small breakage: an inverted
# comparison, a changed threshold, a dropped hop, a wrong role) is applied
# to a scratch copy of the tree, which is built and run through the fast
# suite (tests/run-tests.sh without the lab and the runner's self-test,
# stopping at the first failing suite).  Each is reported as "caught by
# SUITE", "SURVIVED", "STALE" (its text does not occur exactly once: the
# code changed under the entry) or "NO BUILD" (the mutation does not
# compile).  Exit 0 only when every mutation is caught.
#
# usage: tools/mutate.sh [-k] [-l LIST] [N...]
#   N...     only these entries (numbered from 1 as the report shows them)
#   -l LIST  another list than tests/mutations.list
#   -k       keep the scratch copy (its path is printed)
#
# The scratch copy holds the files git knows of (tracked, or new and not
# ignored) as they are in the working tree, uncommitted edits included; it
# is built there (make all units), its own build directory.  The unmutated
# copy must pass the fast suite first, or no result would mean anything.
# The report also goes to tests/out/mutate.txt.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
LIST=tests/mutations.list
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	-k) keep=1 ;;
	-l) [ $# -ge 2 ] || exit 2; LIST=$2; shift ;;
	-*) echo "usage: tools/mutate.sh [-k] [-l LIST] [N...]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ -f "$LIST" ] || { echo "mutate: $LIST: no such file" >&2; exit 2; }
LIST=$(cd "$(dirname "$LIST")" && pwd)/$(basename "$LIST")

S=$(mktemp -d "${TMPDIR:-/tmp}/lh-mutate.XXXXXX") || exit 1
if [ "$keep" -eq 1 ]; then
	echo "scratch copy: $S"
else
	trap 'rm -rf "$S"' EXIT
	trap 'rm -rf "$S"; trap - EXIT; exit 130' INT TERM
fi
mkdir -p tests/out
REPORT=$ROOT/tests/out/mutate.txt
: >"$REPORT"
say() {
	echo "$@"
	echo "$@" >>"$REPORT"
}

# mutations.py index | apply N DIR: the list's entries ("N<TAB>FILE<TAB>
# WHAT" each), or entry N applied to DIR/FILE (exit 3: STALE, and why).
mutations() {
	python3 - "$LIST" "$@" <<'EOF'
import sys

def parse(path):
    entries, cur, lineno = [], None, 0
    for line in open(path, encoding='utf-8'):
        lineno += 1
        line = line.rstrip('\n')
        if line.startswith('@ '):
            f, _, what = line[2:].partition(': ')
            cur = {'file': f.strip(), 'what': what.strip(), 'old': [],
                   'new': [], 'line': lineno}
            entries.append(cur)
        elif line[:2] in ('- ', '-') and cur is not None and not cur['new']:
            cur['old'].append(line[2:])
        elif line[:2] in ('+ ', '+') and cur is not None and cur['old']:
            cur['new'].append(line[2:])
        elif line.strip() != '' and not line.startswith('#'):
            sys.exit('%s:%d: not an entry line: %r' % (path, lineno, line))
    for e in entries:
        if not e['old'] or not e['file'] or not e['what']:
            sys.exit('%s:%d: an entry needs "@ FILE: what" and a "-" line'
                     % (path, e['line']))
    return entries

entries = parse(sys.argv[1])
if sys.argv[2] == 'index':
    for i, e in enumerate(entries, 1):
        print('%d\t%s\t%s' % (i, e['file'], e['what']))
    sys.exit(0)
e = entries[int(sys.argv[3]) - 1]
path = sys.argv[4] + '/' + e['file']
try:
    text = open(path, encoding='utf-8').read()
except OSError as x:
    print(x.strerror)
    sys.exit(3)
old, new = '\n'.join(e['old']), '\n'.join(e['new'])
n = text.count(old)
if n != 1:
    print('the text occurs %d times in %s' % (n, e['file']))
    sys.exit(3)
open(path, 'w', encoding='utf-8').write(text.replace(old, new))
EOF
}

INDEX=$(mutations index) || exit 2
[ -n "$INDEX" ] || { echo "mutate: $LIST has no entries" >&2; exit 2; }
total=$(echo "$INDEX" | wc -l)

# The scratch copy.
git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null --no-recursion -T - -cf - | tar -xpf - -C "$S" || exit 1
# The AS image is built data, not a tracked file (make deps compiles it):
# the copy shares this tree's.
if [ -d "$ROOT/data" ]; then
	ln -s "$ROOT/data" "$S/data" || exit 1
fi

build() {
	make -C "$S" -j2 all units </dev/null >"$S/build.log" 2>&1
}
fast_suite() {
	(cd "$S" && env -u CI tests/run-tests.sh -x --without lab,runner build) \
	    </dev/null >"$S/suite.log" 2>&1
}

start=$(date +%s)
say "mutation checks: $total entries in ${LIST#"$ROOT"/}"
if ! build; then
	say "mutate: the unmutated copy does not build:"
	tail -n 20 "$S/build.log"
	exit 1
fi
if ! fast_suite; then
	say "mutate: the unmutated copy fails its fast suite: fix that first"
	tail -n 30 "$S/suite.log"
	exit 1
fi
say "unmutated copy: fast suite passes ($(tail -n 1 "$S/suite.log");" \
    "$(($(date +%s) - start)) s to copy, build and run)"
mkdir "$S/pristine" && cp -p "$S"/build/*.o "$S/pristine/" || exit 1

caught=0
survived=0
stale=0
nobuild=0
bad=""
prev=""
echo "$INDEX" | {
while IFS='	' read -r k file what; do
	if [ $# -gt 0 ]; then
		case " $* " in *" $k "*) ;; *) continue ;; esac
	fi
	# The file the previous mutation changed, back as it was.  A source
	# of the library gets back its unmutated object too (and its old
	# time, so it is not compiled again); the archive is made anew.
	if [ -n "$prev" ]; then
		case $prev in
		src/*.c)
			o=build/$(basename "$prev" .c).o
			cp -p "$ROOT/$prev" "$S/$prev"
			cp -p "$S/pristine/$(basename "$o")" "$S/$o"
			rm -f "$S/build/liblasthop.a" ;;
		*)
			cp "$ROOT/$prev" "$S/$prev" ;;
		esac
		prev=""
	fi
	t0=$(date +%s)
	if ! why=$(mutations apply "$k" "$S"); then
		res="STALE ($why)"
		stale=$((stale + 1))
		bad="$bad $k"
	else
		prev=$file
		if ! build; then
			res="NO BUILD"
			nobuild=$((nobuild + 1))
			bad="$bad $k"
			grep -m 3 'error' "$S/build.log" | sed 's/^/      | /' |
			    while IFS= read -r l; do say "$l"; done
		elif fast_suite; then
			res="SURVIVED"
			survived=$((survived + 1))
			bad="$bad $k"
		else
			by=$(sed -n 's/^failed suites: \([^ ]*\).*/\1/p' "$S/suite.log")
			res="caught by ${by:-?}"
			caught=$((caught + 1))
		fi
	fi
	say "$(printf '%3d  %-26s %4ds  %s: %s' "$k" "$res" \
	    $(($(date +%s) - t0)) "$file" "$what")"
done
say ""
say "$caught caught, $survived survived, $stale stale, $nobuild did not build" \
    "($(($(date +%s) - start)) s in all)"
if [ -n "$bad" ]; then
	say "not caught:$bad"
	exit 1
fi
exit 0
}
