#!/bin/sh
# asdb-fetch.sh LASTHOP IMAGE: fetch the dataset pinned in tools/asdb.pin with
# npm and compile it into the AS image IMAGE with `LASTHOP asdb build`.
#
# Idempotent: when IMAGE already holds the pinned dataset and version, it
# does nothing (no download).  The package is fetched with `npm pack` into a
# scratch directory (npm's own registry setting; no address is written
# here), unpacked with tar, compiled, and the scratch directory removed.
# IMAGE is replaced only by a complete, checked image.  When npm is missing
# it installs Debian's npm first (tools/deps.sh npm).
set -eu

LASTHOP=${1:?usage: asdb-fetch.sh LASTHOP IMAGE}
IMAGE=${2:?usage: asdb-fetch.sh LASTHOP IMAGE}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PIN=$ROOT/tools/asdb.pin

pin() { sed -n "s/^$1=//p" "$PIN"; }
PKG=$(pin package)
VER=$(pin version)
CSV=$(pin csv)
[ -n "$PKG" ] && [ -n "$VER" ] && [ -n "$CSV" ] ||
	{ echo "asdb-fetch: $PIN lacks package, version or csv" >&2; exit 1; }

have=$("$LASTHOP" asdb info "$IMAGE" 2>/dev/null |
	sed -n 's/^dataset: //p; s/^version: //p' | tr '\n' ' ' || true)
if [ "$have" = "$PKG $VER " ]; then
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	"$ROOT/tools/deps.sh" npm
fi

echo "asdb: fetching $PKG@$VER with npm, compiling $IMAGE"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lasthop-asdb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
(cd "$scratch" && npm pack --silent "$PKG@$VER" >pack.out) ||
	{ echo "asdb-fetch: npm pack $PKG@$VER failed" >&2; exit 1; }
tgz=$scratch/$(tail -n 1 "$scratch/pack.out")
[ -f "$tgz" ] || { echo "asdb-fetch: npm pack wrote no tarball" >&2; exit 1; }
tar -xzf "$tgz" -C "$scratch"
[ -f "$scratch/package/$CSV" ] ||
	{ echo "asdb-fetch: $PKG@$VER has no $CSV" >&2; exit 1; }

mkdir -p "$(dirname "$IMAGE")"
"$LASTHOP" asdb build --name "$PKG" --version "$VER" -o "$IMAGE.new" \
	"$scratch/package/$CSV"
"$LASTHOP" asdb info --verify "$IMAGE.new" >/dev/null ||
	{ rm -f "$IMAGE.new"; exit 1; }
mv -f "$IMAGE.new" "$IMAGE"
# The licences travel with the image (CC BY 4.0 asks for attribution); the
# CSV stays beside it for make bench (its --asmap reference) and --asmap.
for f in DBIP-LICENSE NRO_LICENSE ROUTEVIEWS-LICENSE MODIFICATIONS "$CSV"; do
	[ -f "$scratch/package/$f" ] && cp "$scratch/package/$f" "$(dirname "$IMAGE")/"
done
echo "asdb: $IMAGE: $PKG $VER"
