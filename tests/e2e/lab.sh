#!/bin/bash
# The e2e lab: private Docker engines, joined as swarm managers, for stackc's
# end-to-end tests. See tests/e2e/README.md.
#
#   lab.sh check          exit 0 when a lab can run here (installing what is missing
#                         when root); else print why and exit 77
#   lab.sh up [N]         start N engines (default 1), every one a swarm manager, each
#                         with the local image stackc-lab/busybox:1; prints node 1's DOCKER_HOST
#   lab.sh host I         DOCKER_HOST of node I (a unix socket under $LAB)
#   lab.sh ip I           node I's address on the lab bridge
#   lab.sh exec I CMD...  run CMD inside node I's network namespace
#   lab.sh kill I         stop node I's engine (fault injection)
#   lab.sh down           stop every process of the lab, remove its namespaces, links and files
#
# Environment: LAB (the lab directory, default /tmp/stackc-e2e), DOCKER (the client,
# default /usr/bin/docker), LAB_DOCKERD_ARGS (extra dockerd arguments for every node).
#
# Every node runs in its own network namespace, even with N=1: labs can run side by
# side, and the host's network, /var/run/docker.sock and the system's engine are never
# touched. Each engine has its own data-root, exec-root, pidfile, socket and cgroup
# parent under names derived from the lab, so teardown can find everything it started.
set -euo pipefail
LAB=${LAB:-/tmp/stackc-e2e}
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=stackc-lab/busybox:1

# The lab's number (1-250) names its bridge sce<id>b, namespaces sce<id>n<i>, host-side
# veths sce<id>v<i> and its subnet 10.232.<id>.0/24. It is claimed at `up` by creating
# the bridge, which fails if another lab holds that number.
lab_id() { cat "$LAB/id" 2>/dev/null || true; }
ns() { echo "sce$(lab_id)n$1"; }
sock() { echo "unix://$LAB/n$1/docker.sock"; }
dk() { local i=$1; shift; DOCKER_HOST=$(sock "$i") "$DOCKER" "$@"; }

check() {
	if [ "$(id -u)" != 0 ]; then echo "lab: needs root (network namespaces, dockerd)"; exit 77; fi
	local missing=""
	command -v dockerd >/dev/null || missing="$missing docker.io"
	[ -x "$DOCKER" ] || missing="$missing docker.io"
	[ -x /bin/busybox ] || missing="$missing busybox-static"
	command -v ip >/dev/null || missing="$missing iproute2"
	command -v iptables >/dev/null || missing="$missing iptables"
	command -v openssl >/dev/null || missing="$missing openssl"
	[ -z "$missing" ] && return 0
	if ! command -v apt-get >/dev/null; then echo "lab: missing$missing and no apt-get"; exit 77; fi
	echo "lab: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -qq && apt-get install -y -qq $missing; } >"${TMPDIR:-/tmp}/stackc-lab-apt.log" 2>&1; then
		echo "lab: could not install$missing (see ${TMPDIR:-/tmp}/stackc-lab-apt.log)"; exit 77
	fi
}

claim_id() {
	local start id k
	start=$(( $(printf '%s' "$LAB" | cksum | cut -d' ' -f1) % 250 ))
	for k in $(seq 0 249); do
		id=$(( (start + k) % 250 + 1 ))
		if ip link add "sce${id}b" type bridge 2>/dev/null; then echo "$id" >"$LAB/id"; return; fi
	done
	echo "lab: no free lab number" >&2; return 1
}

start_engine() { # i
	local i=$1 dir=$LAB/n$1
	mkdir -p "$dir"
	echo '{}' >"$dir/daemon.json"
	# shellcheck disable=SC2086
	nsenter --net="/var/run/netns/$(ns "$i")" dockerd --config-file "$dir/daemon.json" \
		--data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
		-H "$(sock "$i")" --cgroup-parent "/sce$(lab_id)n$i" --shutdown-timeout 2 \
		${LAB_DOCKERD_ARGS:-} >"$dir/dockerd.log" 2>&1 &
	echo $! >"$dir/engine.pid"
}

wait_engine() { # i
	local k
	for k in $(seq 1 120); do
		dk "$1" info >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$LAB/n$1/engine.pid")" 2>/dev/null || break
		sleep 0.25
	done
	echo "lab: engine $1 did not start; the end of $LAB/n$1/dockerd.log:" >&2
	tail -5 "$LAB/n$1/dockerd.log" >&2
	return 1
}

import_image() { # i
	local root=$LAB/rootfs a
	if [ ! -d "$root" ]; then
		mkdir -p "$root/bin" "$root/tmp" "$root/etc"
		cp /bin/busybox "$root/bin/busybox"
		for a in $(/bin/busybox --list); do
			[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
		done
		echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
	fi
	tar -C "$root" -cf - . | dk "$1" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
}

up() {
	local n=${1:-1} i id net a
	check
	down
	mkdir -p "$LAB"
	echo "$n" >"$LAB/nodes"
	claim_id
	id=$(lab_id); net=10.232.$id
	ip addr add "$net.254/24" dev "sce${id}b"
	ip link set "sce${id}b" up
	iptables -I FORWARD -i "sce${id}b" -o "sce${id}b" -j ACCEPT
	for i in $(seq 1 "$n"); do
		ip netns add "$(ns "$i")"
		ip link add "sce${id}v$i" type veth peer name eth0 netns "$(ns "$i")"
		ip link set "sce${id}v$i" master "sce${id}b" up
		ip -n "$(ns "$i")" addr add "$net.$i/24" dev eth0
		ip -n "$(ns "$i")" link set eth0 up
		ip -n "$(ns "$i")" link set lo up
		start_engine "$i"
	done
	for i in $(seq 1 "$n"); do wait_engine "$i"; done
	dk 1 swarm init --advertise-addr "$net.1" >/dev/null
	local token
	token=$(dk 1 swarm join-token -q manager)
	for i in $(seq 2 "$n"); do
		dk "$i" swarm join --token "$token" --advertise-addr "$net.$i" "$net.1:2377" >/dev/null
	done
	for i in $(seq 1 "$n"); do import_image "$i"; done
	sock 1
}

# Every process of the lab: engines, their containerd, shims (by their -address), and
# whatever runs in the lab's container cgroups.
lab_pids() {
	local id f c
	id=$(lab_id)
	cat "$LAB"/n*/engine.pid "$LAB"/n*/exec/containerd/containerd.pid 2>/dev/null || true
	for f in /proc/[0-9]*/cmdline; do
		c=$( { tr '\0' ' ' <"$f"; } 2>/dev/null) || continue
		case $c in *" $LAB/"*) f=${f#/proc/}; echo "${f%/cmdline}" ;; esac
	done
	[ -n "$id" ] && cat /sys/fs/cgroup/*/sce"${id}"n*/*/cgroup.procs /sys/fs/cgroup/sce"${id}"n*/*/cgroup.procs 2>/dev/null
	return 0
}

alive() { local p; for p in "$@"; do [ -d "/proc/$p" ] && echo "$p"; done; return 0; }

# Containers first (they are disposable and would only slow the engines' shutdown),
# then the engines, then whatever is left.
stop_processes() {
	local pids k m id
	id=$(lab_id)
	if [ -n "$id" ]; then
		pids=$(cat /sys/fs/cgroup/*/sce"${id}"n*/*/cgroup.procs /sys/fs/cgroup/sce"${id}"n*/*/cgroup.procs 2>/dev/null || true)
		[ -n "$pids" ] && { kill -9 $pids 2>/dev/null || true; }
	fi
	pids=$(cat "$LAB"/n*/engine.pid 2>/dev/null || true)
	[ -n "$pids" ] && { kill $pids 2>/dev/null || true; }
	for k in $(seq 1 40); do
		[ -z "$(alive $pids)" ] && break
		sleep 0.25
	done
	pids=$(lab_pids)
	[ -n "$pids" ] && { kill -9 $pids 2>/dev/null || true; }
	for k in $(seq 1 20); do
		[ -z "$(alive $pids)" ] && break
		sleep 0.1
	done
	# `ip netns exec` would hide the cgroup mounts dockerd needs, so the engines share
	# our mount namespace: unmount what they left under the lab.
	for m in $(awk -v l="$LAB/" 'index($2, l) == 1 {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	local d
	if [ -n "$id" ]; then
		for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -name "sce${id}n*" 2>/dev/null | sort -r); do
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
		done
	fi
}

down() {
	[ -d "$LAB" ] || return 0
	local id i l
	id=$(lab_id)
	stop_processes
	if [ -n "$id" ]; then
		for i in $(ip netns list 2>/dev/null | awk -v p="sce${id}n" 'index($1, p) == 1 {print $1}'); do
			ip netns del "$i" 2>/dev/null || true
		done
		for l in $(ip -o link show 2>/dev/null | awk -F': ' -v p="sce${id}v" 'index($2, p) == 1 {split($2, a, "@"); print a[1]}'); do
			ip link del "$l" 2>/dev/null || true
		done
		iptables -D FORWARD -i "sce${id}b" -o "sce${id}b" -j ACCEPT 2>/dev/null || true
		ip link del "sce${id}b" 2>/dev/null || true
	fi
	rm -rf "$LAB"
}

case ${1:-} in
check) check ;;
up) up "${2:-1}" ;;
host) sock "$2" ;;
ip) echo "10.232.$(lab_id).$2" ;;
exec) i=$2; shift 2; exec nsenter --net="/var/run/netns/$(ns "$i")" "$@" ;;
kill) kill "$(cat "$LAB/n$2/engine.pid")" ;;
down) down ;;
*) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
