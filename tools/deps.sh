#!/bin/sh
# deps.sh [GROUP...]: install, with apt-get, the Debian packages a group of
# lasthop's tasks needs.  Idempotent: installs only what is missing, and
# needs root (or sudo) only when something is.
#
#   build  compile lasthop and run it (make, make demo)          [default]
#   test   the test suite, the lab and the benchmarks (make check, bench)
#   fuzz   the libFuzzer campaign (make fuzz): Debian's default clang and
#          its runtime, whatever LLVM version that is
#   npm    Debian's npm (and nodejs), for fetching the AS dataset
#          (tools/asdb-fetch.sh asks for it only when no npm is on the PATH:
#          a machine may have Node.js and npm from elsewhere)
set -eu

BUILD_PKGS="build-essential pkg-config
libpcap-dev libnet1-dev libdumbnet-dev libjansson-dev libcap-ng-dev
libgraphviz-dev graphviz"

TEST_PKGS="libcmocka-dev libxml2-utils python3 time strace
tcpdump iproute2 iptables nftables procps util-linux
traceroute mtr-tiny scamper tcptraceroute dublin-traceroute"

# clang and libclang-rt-dev are Debian's unversioned defaults (llvm-defaults).
FUZZ_PKGS="clang libclang-rt-dev"

NPM_PKGS="npm"

[ $# -gt 0 ] || set -- build
want=""
for g in "$@"; do
	case $g in
	build)	want="$want $BUILD_PKGS" ;;
	test)	want="$want $TEST_PKGS" ;;
	fuzz)	want="$want $FUZZ_PKGS" ;;
	npm)	want="$want $NPM_PKGS" ;;
	*)	echo "deps: unknown group '$g' (build, test, fuzz, npm)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps ($*): installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
