#!/bin/sh
# Install, with apt-get, every Debian package that building and testing
# lasthop needs.  Idempotent: installs only what is missing.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
libpcap-dev libnet1-dev libdumbnet-dev libjansson-dev libcmocka-dev libcap-ng-dev
libgraphviz-dev graphviz
tcpdump iproute2 iptables procps util-linux libxml2-utils python3 time strace
traceroute mtr-tiny scamper tcptraceroute dublin-traceroute"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
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
