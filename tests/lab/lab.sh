#!/bin/bash
# lab.sh: an isolated network-namespace lab (vantage -> China Unicom -> North Korea)
# for lasthop's live tests and for the reference captures of peer traceroute tools.
#
# Sourceable library of lab_* functions, and a CLI (run `lab.sh help`).
#
# Safety rules (see tests/lab/README.md):
#  - every namespace is named "${LAB_PREFIX}<node>" with a per-run prefix (lh<pid>-);
#  - every veth pair is created with BOTH ends directly inside lab namespaces
#    (`ip link add name X netns A type veth peer name Y netns B`); nothing is
#    ever created in, or linked to, the root namespace, so no probe can leave;
#  - no lab route leads out: the vantage's default route points into the lab,
#    unknown destinations die at the lab ISP router with ICMP net unreachable;
#  - tools run only through lab_exec (ip netns exec), callers bound them with
#    timeout; lab_cleanup (installed as an EXIT/INT/TERM trap by lab_trap)
#    kills the processes started in the lab by PID and deletes the namespaces.

# --- addresses (they never leave the machine) ------------------------------
LAB_VP=100.64.0.2           # vantage host (research vantage)
LAB_ISP=100.64.0.1          # vantage's ISP router, vp-facing
LAB_ISP_UP=100.64.1.1       # ISP router, China Unicom-facing
LAB_ISP_TTK=100.64.2.1      # ISP router, TransTeleCom-facing
LAB_CU1=219.158.3.1         # China Unicom backbone, ISP-facing
LAB_CU1_DN=219.158.96.1     # cu1 -> cu2 link
LAB_CU2=219.158.96.2        # China Unicom backbone, cu1-facing
LAB_CU2_DN=219.158.97.1     # cu2 -> NK border link (customer link, CU space)
LAB_NKBR=219.158.97.2       # NK border router, numbered from China Unicom space
LAB_NKBR_IN=175.45.176.1    # NK border router, inner side
LAB_NKBR_TTK=188.43.225.158 # NK border router, TTK-facing (numbered from TTK space)
LAB_NKIN=175.45.176.254     # inner NK router, border-facing
LAB_NKIN_DN=175.45.176.65   # inner NK router, gateway of the server LAN
LAB_NKT=175.45.176.71       # target: www.kcna.kp
LAB_TTK1=188.43.225.153     # TransTeleCom router, ISP-facing
LAB_TTK1_DN=188.43.225.157  # TransTeleCom router, NK-facing
LAB_NKNET=175.45.176.0/22   # STAR-KP, AS131279
export LAB_TARGET=$LAB_NKT      # for scripts that source this file

# Nodes in path order (ttk1 is the optional TransTeleCom path).
LAB_NODES="vp isp cu1 cu2 nkbr nkin nkt ttk1"
LAB_VP_IF=eth0              # vantage interface (captures are taken here)

: "${LAB_PREFIX:=lh$$-}"
LAB_PIDS=""
LAB_BUILT=""
LAB_WWW=""

lab_die() { echo "lab: $*" >&2; exit 1; }
lab_log() { [ -n "${LAB_QUIET:-}" ] || echo "lab: $*" >&2; }

lab_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "lab: must run as root (it creates network namespaces)" >&2
		exit 1
	fi
	local t
	for t in ip iptables nft timeout; do
		command -v "$t" >/dev/null 2>&1 || lab_die "missing tool: $t"
	done
}

# lab_ns NODE: the namespace name of a node.
lab_ns() { echo "${LAB_PREFIX}$1"; }

# lab_exec NODE CMD...: run a command inside a lab node (never in the root ns).
lab_exec() {
	local n=$1; shift
	ip netns exec "$(lab_ns "$n")" "$@"
}

# lab_bg NODE CMD...: start a command in the background inside a node; its PID
# is recorded for lab_cleanup and left in LAB_LASTPID.
lab_bg() {
	local n=$1; shift
	ip netns exec "$(lab_ns "$n")" "$@" &
	LAB_LASTPID=$!
	LAB_PIDS="$LAB_PIDS $LAB_LASTPID"
}

# lab_node NAME: create one namespace with loopback up, IPv6 off (quiet
# captures), forwarding on and every ICMP rate limit off (deterministic replies).
lab_node() {
	local ns; ns=$(lab_ns "$1")
	ip netns add "$ns" || lab_die "cannot create namespace $ns"
	LAB_BUILT="$LAB_BUILT $1"
	ip netns exec "$ns" sh -c '
		sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 \
			net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.icmp_echo_ignore_all=0
		ip link set lo up' || lab_die "cannot configure $ns"
}

# lab_addr NODE IF ADDR [PEER]: ADDR is "a.b.c.d/len" for a subnet, or a bare
# address with PEER for a point-to-point numbering (each end may come from a
# different provider's space, as on real customer links).
lab_addr() {
	local n=$1 ifn=$2 a=$3 p=${4:-}
	case $a in
	*/*) lab_exec "$n" ip addr add "$a" dev "$ifn" ;;
	*)   lab_exec "$n" ip addr add "$a/32" peer "$p/32" dev "$ifn" ;;
	esac
}

# lab_link A IFA ADDRA B IFB ADDRB: a veth pair whose two ends are created
# directly inside namespaces A and B.  Addresses "x/len" share a subnet;
# bare addresses are numbered point-to-point, each naming the other as peer.
lab_link() {
	local a=$1 ifa=$2 aa=$3 b=$4 ifb=$5 ab=$6
	ip link add name "$ifa" netns "$(lab_ns "$a")" type veth \
		peer name "$ifb" netns "$(lab_ns "$b")" ||
		lab_die "cannot link $a:$ifa <-> $b:$ifb"
	lab_addr "$a" "$ifa" "$aa" "${ab%/*}"
	lab_addr "$b" "$ifb" "$ab" "${aa%/*}"
	lab_exec "$a" ip link set "$ifa" up
	lab_exec "$b" ip link set "$ifb" up
}

# lab_route NODE ARGS...: `ip route replace ARGS` inside a node (idempotent).
lab_route() {
	local n=$1; shift
	lab_exec "$n" ip route replace "$@"
}

# lab_build: the whole topology, healthy, via China Unicom.
#
#  vp --- isp --- cu1 --- cu2 --- nkbr --- nkin --- nkt (175.45.176.71:80)
#           \                      /
#            `------- ttk1 -------'      (alternate path, scenario "ttk")
lab_build() {
	local n
	for n in $LAB_NODES; do lab_node "$n"; done
	lab_link vp   "$LAB_VP_IF" "$LAB_VP/30"   isp  to-vp   "$LAB_ISP/30"
	lab_link isp  to-cu1  "$LAB_ISP_UP"       cu1  to-isp  "$LAB_CU1"
	lab_link cu1  to-cu2  "$LAB_CU1_DN/30"    cu2  to-cu1  "$LAB_CU2/30"
	lab_link cu2  to-nkbr "$LAB_CU2_DN/30"    nkbr to-cu2  "$LAB_NKBR/30"
	lab_link nkbr to-nkin "$LAB_NKBR_IN"      nkin to-nkbr "$LAB_NKIN"
	lab_link nkin to-nkt  "$LAB_NKIN_DN/26"   nkt  eth0    "$LAB_NKT/26"
	lab_link isp  to-ttk1 "$LAB_ISP_TTK"      ttk1 to-isp  "$LAB_TTK1"
	lab_link ttk1 to-nkbr "$LAB_TTK1_DN"      nkbr to-ttk1 "$LAB_NKBR_TTK"
	lab_routes_cu
	# nkbr, nkin, nkt: their defaults point back toward the upstreams
	lab_route nkin default via "$LAB_NKBR_IN"
	lab_route nkt  default via "$LAB_NKIN_DN"
	lab_route nkbr 175.45.176.64/26 via "$LAB_NKIN"
	# ttk1 is always ready; only isp/nkbr routes decide which path is used
	lab_route ttk1 default via "$LAB_ISP_TTK"
	lab_route ttk1 "$LAB_NKNET" via "$LAB_NKBR_TTK"
	lab_log "built lab ${LAB_PREFIX}*: $LAB_NODES"
}

# lab_routes_cu: the routes of the China Unicom path (also resets "ttk").
# The vantage's default points into the lab; the ISP has no default route at
# all, so anything not in the lab gets ICMP net unreachable from it.
lab_routes_cu() {
	lab_route vp   default via "$LAB_ISP"
	lab_route isp  "$LAB_NKNET" via "$LAB_CU1"
	lab_route isp  219.158.0.0/16 via "$LAB_CU1"
	lab_route isp  188.43.0.0/16 via "$LAB_TTK1"
	lab_route cu1  default via "$LAB_ISP_UP"
	lab_route cu1  "$LAB_NKNET" via "$LAB_CU2"
	lab_route cu1  219.158.97.0/30 via "$LAB_CU2"
	lab_route cu2  default via "$LAB_CU1_DN"
	lab_route cu2  "$LAB_NKNET" via "$LAB_NKBR"
	lab_route nkbr default via "$LAB_CU2_DN"
}

# lab_serve: something listening on the target's TCP 80 so TCP traces complete.
lab_serve() {
	local py
	py=$(command -v python3) || lab_die "python3 needed for the target's web server"
	LAB_WWW=$(mktemp -d /tmp/lab-www.XXXXXX)
	echo "www.kcna.kp (lasthop lab)" >"$LAB_WWW/index.html"
	lab_bg nkt timeout "${LAB_SERVE_SECS:-3600}" "$py" -m http.server \
		--bind "$LAB_NKT" --directory "$LAB_WWW" 80 >/dev/null 2>&1
	for _ in $(seq 50); do
		lab_exec nkt sh -c "ss -Hltn 'sport = :80' | grep -q ." && return 0
		sleep 0.1
	done
	lab_die "web server on $LAB_NKT:80 did not start"
}

# --- scenarios --------------------------------------------------------------
# lab_scenario NAME: reset every node's filters and routes to healthy, then
# apply scenario NAME (function lab_scn_NAME).  Add a scenario by defining a
# new lab_scn_* function; `lab_scenarios` lists them.

lab_scenarios() {
	declare -F | sed -n 's/^declare -f lab_scn_//p'
}

lab_reset() {
	local n
	for n in $LAB_NODES; do
		lab_exec "$n" iptables -F
		lab_exec "$n" iptables -P FORWARD ACCEPT
		lab_exec "$n" sysctl -qw net.ipv4.icmp_ratelimit=0 \
			net.ipv4.icmp_ratemask=0 net.ipv4.icmp_msgs_per_sec=100000 \
			net.ipv4.icmp_msgs_burst=100000
	done
	lab_exec isp sysctl -qw net.ipv4.fib_multipath_hash_policy=0
	# the middlebox scenarios: their nftables table and the small MTU
	for n in isp cu1; do
		lab_exec "$n" sh -c 'nft delete table ip lab 2>/dev/null; true'
	done
	lab_exec isp ip link set to-cu1 mtu 1500
	lab_exec cu1 ip link set to-isp mtu 1500
	lab_routes_cu
}

lab_scenario() {
	local s=$1
	declare -F "lab_scn_$s" >/dev/null || lab_die "unknown scenario '$s' (have: $(lab_scenarios | tr '\n' ' '))"
	lab_reset
	"lab_scn_$s"
	# flush cached routes/neighbours so every run starts alike
	local n
	for n in $LAB_NODES; do lab_exec "$n" ip route flush cache 2>/dev/null || true; done
	lab_log "scenario $s"
}

# every router answers; the target answers UDP with port unreachable, ICMP
# echo with echo reply, TCP 80 with SYN-ACK.
lab_scn_healthy() { :; }

# cu2 silently drops everything for the North Korean prefix: the trace dies
# after cu2 (cu2 itself still answers time-exceeded: TTL expiry comes before
# the FORWARD chain).
lab_scn_silent() {
	lab_exec cu2 iptables -A FORWARD -d "$LAB_NKNET" -j DROP
}

# cu2 refuses the North Korean prefix loudly, ICMP 3/13 administratively
# prohibited (traceroute prints !X), as China Unicom did in 2019.
lab_scn_unreach() {
	lab_exec cu2 iptables -A FORWARD -d "$LAB_NKNET" -j REJECT \
		--reject-with icmp-admin-prohibited
}

# cu1 never sends ICMP time-exceeded; later hops still answer.
lab_scn_hidden() {
	lab_exec cu1 iptables -A OUTPUT -p icmp --icmp-type time-exceeded -j DROP
}

# the two North Korean routers never send time-exceeded: healthy traces show
# two silent hops between the upstream's last hop and the host (doc/SOURCES.md §2).
lab_scn_nkquiet() {
	lab_exec nkbr iptables -A OUTPUT -p icmp --icmp-type time-exceeded -j DROP
	lab_exec nkin iptables -A OUTPUT -p icmp --icmp-type time-exceeded -j DROP
}

# the North Korean prefix is reached via TransTeleCom instead of China Unicom.
lab_scn_ttk() {
	lab_route isp  "$LAB_NKNET" via "$LAB_TTK1"
	lab_route nkbr default via "$LAB_TTK1_DN"
}

# --- scenarios of the live-tracing tests (issue 3) ---------------------------

# cu1, China Unicom's first router, silently drops the prefix: traffic dies
# inside the upstream, well before its handoff.
lab_scn_cudrop() {
	lab_exec cu1 iptables -A FORWARD -d "$LAB_NKNET" -j DROP
}

# the North Korean border router answers but forwards nothing inward.
lab_scn_border() {
	lab_exec nkbr iptables -A FORWARD -d "$LAB_NKNET" -j DROP
}

# the inner North Korean router answers but forwards nothing to the host.
lab_scn_inner() {
	lab_exec nkin iptables -A FORWARD -d "$LAB_NKNET" -j DROP
}

# the prefix is withdrawn: the vantage's ISP has no route for it and answers
# ICMP net unreachable (as in 2014 and 2025).  A deleted route would do the
# same, but the kernel limits those route errors with a limiter that is not
# per namespace (net.ipv4.route.error_cost: about 5 a burst, then 1 a
# second), so back-to-back runs would see silence; the refusal is made with
# REJECT instead, under the lab's lifted per-namespace ICMP limits.
lab_scn_withdrawn() {
	lab_exec isp iptables -A FORWARD -d "$LAB_NKNET" -j REJECT \
		--reject-with icmp-net-unreachable
}

# two equal-cost paths at the ISP, China Unicom and TransTeleCom, chosen by
# a hash of the 5-tuple (L4): a Paris trace keeps one path, a classic one
# sees both.
lab_scn_ecmp() {
	lab_exec isp sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	lab_route isp "$LAB_NKNET" nexthop via "$LAB_CU1" nexthop via "$LAB_TTK1"
}

# a routing loop between cu1 and cu2.
lab_scn_loop() {
	lab_route cu2 "$LAB_NKNET" via "$LAB_CU1_DN"
}

# every router back to the kernel's default ICMP rate limits (the lab
# otherwise lifts them): a router answers a burst of about 6 errors to one
# host, then about one a second.
lab_scn_ratelimit() {
	local n
	for n in $LAB_NODES; do
		lab_exec "$n" sysctl -qw net.ipv4.icmp_ratelimit=1000 \
			net.ipv4.icmp_ratemask=6168 net.ipv4.icmp_msgs_per_sec=1000 \
			net.ipv4.icmp_msgs_burst=50
	done
}

# --- middleboxes that rewrite what routers quote (issue 10) --------------------
# The ISP router stands for a firewall or NAT at the edge of the vantage's
# network: its own time-exceeded (hop 1) quotes the probe as sent, every
# later hop quotes it as the middlebox rewrote it.  nftables, in a table
# named "lab" that lab_reset deletes.

# lab_nft NODE: load the nftables ruleset on stdin into NODE.
lab_nft() {
	lab_exec "$1" nft -f - || lab_die "nft ruleset rejected in $1"
}

# A random IP ID on every packet the vantage sends through (OpenBSD and
# pfSense "scrub random-id", many NATs).  nft writes numgen's 32-bit result
# in network order and keeps its first two bytes, so the random number is
# shifted into the upper half (without the shift every ID would be 0).
LAB_RANDOM_ID='iifname "to-vp" ip id set numgen random mod 65536 << 16'

lab_scn_ipid() {
	lab_nft isp <<EOF
table ip lab {
	chain mbox {
		type filter hook forward priority filter; policy accept;
		$LAB_RANDOM_ID
	}
}
EOF
}

# The same random IP IDs, and the transport checksum changed on the way with
# the ports kept: what a NAT shows that restores the quoted address and port
# of the ICMP errors it translates back, but not the checksum it computed for
# its public side.  Linux's NAT restores that checksum as well, so the change
# is made apart from it: the checksum word trades places with the first
# payload word (UDP, ICMP echo) or with the urgent pointer (TCP without URG).
# A one's-complement sum does not change when two of its words trade places,
# so every probe stays valid and reaches the target, while its checksum
# reads differently from hop 2 on (a lasthop UDP or ICMP probe's becomes
# 0x6c68, "lh"; the IP ID is the scratch word of the swap, then randomized).
# Behind it a real NAT: masquerade with random ports, whose conntrack
# translates the replies and the quotes back, so that the flow seen from the
# vantage keeps its addresses and ports.
lab_scn_csum() {
	lab_nft isp <<EOF
table ip lab {
	chain mbox {
		type filter hook forward priority filter; policy accept;
		iifname "to-vp" ip hdrlength 5 udp length >= 10 ip id set @nh,208,16 @nh,208,16 set @nh,224,16 @nh,224,16 set ip id
		iifname "to-vp" ip hdrlength 5 icmp type echo-request ip length >= 30 ip id set @nh,176,16 @nh,176,16 set @nh,224,16 @nh,224,16 set ip id
		iifname "to-vp" ip hdrlength 5 tcp flags & urg == 0 ip id set @nh,288,16 @nh,288,16 set @nh,304,16 @nh,304,16 set ip id
		$LAB_RANDOM_ID
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "to-cu1" ip saddr $LAB_VP counter masquerade random
	}
}
EOF
}

# Fragmented and reassembled on the way: the ISP-China Unicom link has an
# MTU of 576, so the ISP fragments large probes (lasthop sets no DF, nor does
# traceroute by default); cu1 tracks connections, which makes Linux
# reassemble what it forwards (nf_defrag_ipv4) and fragment it again on the
# way out at the largest size it came in.  Hop 2 (cu1) quotes the whole
# datagram, hops 3-5 its first fragment (length 572, more fragments), the
# destination the datagram it reassembled; large echo replies come back in
# fragments.  Probes need more than 548 bytes of payload: lasthop --payload,
# traceroute's packet length.
lab_scn_frag() {
	lab_exec isp ip link set to-cu1 mtu 576
	lab_exec cu1 ip link set to-isp mtu 576
	lab_nft cu1 <<EOF
table ip lab {
	chain track {
		type filter hook prerouting priority filter; policy accept;
		ct state new counter
	}
}
EOF
}

# --- teardown and checks ------------------------------------------------------

# lab_cleanup: kill the processes this lab started (by PID, then any process
# still inside a lab namespace, by PID), delete the namespaces (the veth pairs
# go with them).  Safe to call twice.
lab_cleanup() {
	local p n ns pids
	for p in $LAB_PIDS; do kill "$p" 2>/dev/null || true; done
	for n in $LAB_BUILT; do
		ns=$(lab_ns "$n")
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
	done
	for p in $LAB_PIDS; do wait "$p" 2>/dev/null || true; done
	for n in $LAB_BUILT; do
		ip netns del "$(lab_ns "$n")" 2>/dev/null || true
	done
	LAB_PIDS=""
	LAB_BUILT=""
	if [ -n "${LAB_WWW:-}" ]; then rm -rf "$LAB_WWW"; LAB_WWW=""; fi
}

# lab_trap: install lab_cleanup on exit and on INT/TERM/HUP.
lab_trap() {
	trap 'lab_cleanup' EXIT
	trap 'lab_cleanup; trap - EXIT; exit 130' INT
	trap 'lab_cleanup; trap - EXIT; exit 143' TERM HUP
}

# lab_check_isolation: no veth in the root namespace, no namespace of ours.
lab_check_isolation() {
	local bad=0
	if [ -n "$(ip -o link show type veth)" ]; then
		echo "lab: veth interfaces in the root namespace:" >&2
		ip -o link show type veth >&2
		bad=1
	fi
	if ip netns list | grep -q "^${LAB_PREFIX}"; then
		echo "lab: namespaces left behind:" >&2
		ip netns list | grep "^${LAB_PREFIX}" >&2
		bad=1
	fi
	return $bad
}

# lab_ping NODE ADDR: one ICMP echo from NODE (python3 raw socket, as iputils
# ping may be missing); true when ADDR answers within 2 s.
lab_ping() {
	lab_exec "$1" timeout 5 python3 - "$2" <<'PYEOF'
import os, select, socket, struct, sys, time
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
dst = sys.argv[1]; ident = os.getpid() & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"lab" * 8
s.sendto(hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:], (dst, 0))
end = time.time() + 2
while time.time() < end:
    if not select.select([s], [], [], max(0, end - time.time()))[0]: break
    pkt, src = s.recvfrom(2048)
    ihl = (pkt[0] & 15) * 4
    t, _, _, i, q = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
    if t == 0 and i == ident and src[0] == dst: sys.exit(0)
sys.exit(1)
PYEOF
}

# lab_selftest: the healthy path answers hop by hop, the target answers ICMP
# and TCP 80, an address outside the lab is unreachable.
lab_selftest() {
	local n ok=0
	for n in "$LAB_ISP" "$LAB_CU1" "$LAB_CU2" "$LAB_NKBR" "$LAB_NKIN" "$LAB_NKT"; do
		lab_ping vp "$n" || { echo "lab: $n does not answer ping" >&2; ok=1; }
	done
	lab_exec vp timeout 5 python3 -c "import socket; socket.create_connection(('$LAB_NKT', 80), 2).close()" ||
		{ echo "lab: no TCP 80 on $LAB_NKT" >&2; ok=1; }
	if lab_ping vp 192.0.2.1 2>/dev/null; then
		echo "lab: 192.0.2.1 (outside the lab) answered" >&2; ok=1
	fi
	return $ok
}

lab_usage() {
	cat <<'EOF'
usage: lab.sh COMMAND [ARGS]   (as root)
  run SCENARIO [--] CMD...   build the lab, apply SCENARIO, run CMD inside the
                             vantage host vp (bounded by LAB_TIMEOUT, default
                             60 s), tear everything down
  exec SCENARIO NODE CMD...  the same, but run CMD inside NODE
  shell [SCENARIO]           build, open a shell in vp, tear down when it exits
  selftest                   build, check reachability in every scenario,
                             tear down, check nothing is left behind
  scenarios                  list scenarios
  stale                      list lab namespaces left by dead runs (lh<pid>-*)
  clean-stale                delete them
Nodes: vp isp cu1 cu2 nkbr nkin nkt ttk1.  Sourcing this file defines lab_*
functions and runs nothing; see tests/lab/README.md.
EOF
}

# lab_stale: namespaces named lh<pid>-* whose creating process is gone.
lab_stale() {
	ip netns list | awk '{print $1}' | while read -r ns; do
		case $ns in
		lh[0-9]*-*) p=${ns#lh}; p=${p%%-*}
			[ -d "/proc/$p" ] || echo "$ns" ;;
		esac
	done
}

lab_main() {
	local cmd=${1:-help}
	[ $# -gt 0 ] && shift
	case $cmd in
	help|-h|--help) lab_usage; return 0 ;;
	scenarios) lab_scenarios; return 0 ;;
	esac
	lab_require_root
	case $cmd in
	run|exec)
		local scn=${1:?scenario}; shift
		local node=vp
		if [ "$cmd" = exec ]; then node=${1:?node}; shift; fi
		[ "${1:-}" = "--" ] && shift
		[ $# -gt 0 ] || lab_die "no command"
		lab_trap
		lab_build; lab_serve; lab_scenario "$scn"
		local rc=0
		lab_exec "$node" timeout "${LAB_TIMEOUT:-60}" "$@" || rc=$?
		return $rc ;;
	shell)
		lab_trap
		lab_build; lab_serve; lab_scenario "${1:-healthy}"
		echo "lab: shell in $(lab_ns vp); exit to tear the lab down" >&2
		lab_exec vp env PS1="[lab vp] \\w# " bash --norc -i || true ;;
	selftest)
		lab_trap
		lab_build; lab_serve; lab_scenario healthy
		local rc=0
		lab_selftest || rc=1
		local s
		for s in $(lab_scenarios); do lab_scenario "$s"; done
		lab_scenario ttk
		lab_ping vp "$LAB_NKT" ||
			{ echo "lab: target unreachable via ttk" >&2; rc=1; }
		lab_cleanup
		lab_check_isolation || rc=1
		[ $rc -eq 0 ] && echo "lab selftest: ok" || echo "lab selftest: FAIL"
		return $rc ;;
	stale) lab_stale ;;
	clean-stale)
		local ns
		for ns in $(lab_stale); do
			for p in $(ip netns pids "$ns"); do kill -9 "$p" 2>/dev/null || true; done
			ip netns del "$ns" && echo "deleted $ns"
		done ;;
	*) lab_usage >&2; return 2 ;;
	esac
}

# Run the CLI only when executed, not when sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -eu
	lab_main "$@"
fi
