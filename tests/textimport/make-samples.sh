#!/bin/bash
# make-samples.sh: regenerate the real tool outputs in tests/textimport/lab-*.txt
# by running Linux traceroute, tcptraceroute and mtr inside a private
# network-namespace lab (run as root; about a minute).
#
#   vp ---- isp ---- cu1 ==== cu2a ---- nkbr ---- nkt
#                        \\== cu2b ---'
#
#   vp   100.64.0.2          vantage (every tool runs here)
#   isp  100.64.0.1          no default route: elsewhere is !N
#   cu1  219.158.3.1         ECMP to cu2a/cu2b, hashed on ports (policy 1)
#   cu2a 219.158.96.2        cu2b 219.158.98.2
#   nkbr 219.158.97.2 / 219.158.99.2 (answers from the inbound interface)
#   nkt  175.45.176.71       TCP 80 open, other ports closed
#
# Safety: namespaces are named lhti-<node>; every veth pair is created with
# both ends directly inside lab namespaces, nothing touches the root
# namespace, no route leads out; every tool runs through `ip netns exec`
# under `timeout`; the cleanup trap kills only the PIDs started here and
# deletes the namespaces and /etc/netns/lhti-vp.
set -u
P=lhti-
NODES="vp isp cu1 cu2a cu2b nkbr nkt"
OUT=$(cd "$(dirname "$0")" && pwd)
PIDS=""
BUILT=""
WWW=""

die() { echo "make-samples: $*" >&2; exit 1; }
ns() { echo "$P$1"; }
x() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

cleanup() {
	local p n
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for n in $BUILT; do ip netns del "$(ns "$n")" 2>/dev/null; done
	rm -rf "/etc/netns/${P}vp"
	rmdir /etc/netns 2>/dev/null
	[ -n "$WWW" ] && rm -rf "$WWW"
	PIDS="" BUILT=""
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT TERM HUP

[ "$(id -u)" -eq 0 ] || die "run as root (it builds network namespaces)"
for n in $NODES; do
	ip netns list | grep -q "^$(ns "$n")\b" && die "namespace $(ns "$n") exists"
done

node() {
	ip netns add "$(ns "$1")" || die "cannot create $(ns "$1")"
	BUILT="$BUILT $1"
	x "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	x "$1" ip link set lo up
}

# link A IFA ADDRA B IFB ADDRB: both ends created inside the namespaces.
link() {
	ip link add name "$2" netns "$(ns "$1")" type veth \
		peer name "$5" netns "$(ns "$4")" || die "cannot link $1-$4"
	x "$1" ip addr add "$3" dev "$2"
	x "$4" ip addr add "$6" dev "$5"
	x "$1" ip link set "$2" up
	x "$4" ip link set "$5" up
}

build() {
	local n
	for n in $NODES; do node "$n"; done
	link vp   eth0    100.64.0.2/30    isp  to-vp   100.64.0.1/30
	link isp  to-cu1  219.158.3.2/30   cu1  to-isp  219.158.3.1/30
	link cu1  to-a    219.158.96.1/30  cu2a to-cu1  219.158.96.2/30
	link cu1  to-b    219.158.98.1/30  cu2b to-cu1  219.158.98.2/30
	link cu2a to-nkbr 219.158.97.1/30  nkbr to-a    219.158.97.2/30
	link cu2b to-nkbr 219.158.99.1/30  nkbr to-b    219.158.99.2/30
	link nkbr to-nkt  175.45.176.65/26 nkt  eth0    175.45.176.71/26
	x vp   ip route add default via 100.64.0.1
	x isp  ip route add 219.158.0.0/16 via 219.158.3.1
	x isp  ip route add 175.45.176.0/22 via 219.158.3.1
	x cu1  ip route add default via 219.158.3.2
	x cu1  sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	x cu1  ip route add 175.45.176.0/22 \
		nexthop via 219.158.96.2 nexthop via 219.158.98.2
	x cu1  ip route add 219.158.97.0/30 via 219.158.96.2
	x cu1  ip route add 219.158.99.0/30 via 219.158.98.2
	x cu2a ip route add default via 219.158.96.1
	x cu2a ip route add 175.45.176.0/22 via 219.158.97.2
	x cu2b ip route add default via 219.158.98.1
	x cu2b ip route add 175.45.176.0/22 via 219.158.99.2
	x nkbr ip route add default via 219.158.97.1
	x nkbr sysctl -qw net.ipv4.icmp_errors_use_inbound_ifaddr=1
	x nkt  ip route add default via 175.45.176.65
	# reverse names for vp's resolver (ip netns exec bind-mounts these)
	mkdir -p "/etc/netns/${P}vp"
	cat >"/etc/netns/${P}vp/hosts" <<'EOF'
127.0.0.1	localhost
100.64.0.2	vp.lab.example
100.64.0.1	gw.isp.example
219.158.3.1	219.158.3.1.cu.example
219.158.96.2	ae0-cu2a.bj.cu.example
219.158.98.2	ae1-cu2b.bj.cu.example
219.158.97.2	kp-border-a.cu.example
219.158.99.2	kp-border-b.cu.example
175.45.176.71	www.kcna.kp
EOF
	echo "nameserver 127.0.0.1" >"/etc/netns/${P}vp/resolv.conf"
	WWW=$(mktemp -d /tmp/lhti-www.XXXXXX)
	echo lab >"$WWW/index.html"
	x nkt timeout 300 python3 -m http.server --bind 175.45.176.71 \
		--directory "$WWW" 80 >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	sleep 1
}

reset() {
	local n
	for n in $NODES; do x "$n" iptables -F; done
}

# run FILE CMD...: run CMD in vp (bounded), output verbatim into FILE.
run() {
	local f=$1; shift
	echo "make-samples: $f: $*" >&2
	x vp timeout 60 "$@" >"$OUT/$f" 2>&1
	echo "  exit $?" >&2
}

build
T=175.45.176.71
reset
run lab-linux-udp-n.txt       traceroute -n -m 8 -w 1 $T
run lab-linux-udp-names.txt   traceroute -m 8 -w 1 $T
run lab-linux-icmp.txt        traceroute -I -n -m 8 -w 1 $T
run lab-linux-ecmp.txt        traceroute -n -q 6 -m 8 -w 1 $T
run lab-linux-net-unreach.txt traceroute -n -m 8 -w 1 192.0.2.1
run lab-tcptraceroute-open.txt   tcptraceroute -n -m 8 -w 1 $T 80
run lab-tcptraceroute-closed.txt tcptraceroute -m 8 -w 1 $T 81
run lab-mtr-report-n.txt      mtr -r -n -c 3 $T
run lab-mtr-report-wb.txt     mtr -r -w -b -c 3 $T
run lab-mtr-udp-ecmp.txt      mtr -r -w -n -u -c 10 $T
run lab-mtr-udp-ecmp-wb.txt   mtr -r -w -b -u -c 10 $T
run lab-mtr-report-names.txt  mtr -r -c 3 $T
run lab-linux-tcp.txt         traceroute -T -p 80 -n -m 8 -w 1 $T
x cu2a iptables -A FORWARD -d 175.45.176.0/22 -j REJECT --reject-with icmp-admin-prohibited
x cu2b iptables -A FORWARD -d 175.45.176.0/22 -j REJECT --reject-with icmp-admin-prohibited
run lab-linux-admin-prohib.txt traceroute -m 8 -w 1 $T
run lab-mtr-admin-prohib.txt   mtr -r -n -c 3 $T
reset
x nkbr iptables -A FORWARD -d 175.45.176.0/22 -j REJECT --reject-with icmp-host-unreachable
run lab-linux-host-unreach.txt traceroute -n -m 8 -w 1 $T
reset
x cu2a iptables -A FORWARD -d 175.45.176.0/22 -j DROP
x cu2b iptables -A FORWARD -d 175.45.176.0/22 -j DROP
run lab-linux-silent.txt      traceroute -n -m 8 -w 1 $T
run lab-mtr-silent.txt        mtr -r -n -c 2 -m 8 $T
reset
cleanup
trap - EXIT
ip -o link show type veth | grep -q . && echo "make-samples: WARNING: veth in the root namespace" >&2
ip netns list | grep "^$P" && echo "make-samples: WARNING: namespaces left" >&2
exit 0
