#!/usr/bin/env bash
# bench/ssh.sh — stackc against the docker CLI over the same ssh host.
#
#   bench/ssh.sh            (root: the lab needs network namespaces, dockerd and an sshd)
#
# A one-node lab swarm (tests/e2e/lab.sh) and a real sshd in its network namespace
# (tests/e2e/sshd.sh: 127.0.0.1:2222, a key made here, sessions reaching the lab engine), the
# example stack of the e2e cases (testdata/deploy/example: 3 services, 2 networks, a secret, a
# config) deployed once. Then, SSH_RUNS times each (default 7), alternating the tools, with
# DOCKER_HOST=ssh://root@127.0.0.1:2222:
#   ls         stackc ls                               / docker stack ls
#   deploy     stackc deploy --resolve-image never     / docker stack deploy --resolve-image never
#              of the unchanged files
# Reported per command: the median and the fastest wall time, and how many ssh processes one run
# started (the ssh on PATH is a wrapper that logs each start); and the floor every ssh connection
# costs (`ssh host true`, `ssh host docker system dial-stdio`). Results go to stdout and
# bench/SSH-RESULTS.md (SSH_RESULTS). DOCKER: the docker CLI (default /usr/bin/docker).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${SSH_RUNS:-7}
RESULTS=${SSH_RESULTS:-$ROOT/bench/SSH-RESULTS.md}
export LAB=${LAB:-/tmp/stackc-bench-ssh}
export E2E_DIR=$ROOT/tests/e2e
export DOCKER=${DOCKER:-/usr/bin/docker}
STACKC=$ROOT/${BUILD:-build}/stackc
[ "$(id -u)" = 0 ] || { echo "bench/ssh.sh: needs root"; exit 77; }
[ -x "$STACKC" ] || { echo "bench/ssh.sh: $STACKC is not built"; exit 1; }
"$E2E_DIR/lab.sh" check >/dev/null || exit 77
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/sshd.sh"
need_pkg /usr/sbin/sshd openssh-server

WORK=$(mktemp -d /tmp/stackc-bench-ssh-work.XXXXXX)
cleanup() { sshd_stop "$WORK/ssh"; "$E2E_DIR/lab.sh" down >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
DOCKER_HOST=$("$E2E_DIR/lab.sh" up 1)
export DOCKER_HOST
cd "$WORK"
sshd_start "$WORK/ssh"
export PATH="$WORK/ssh/bin:$PATH"
cp "$ROOT"/testdata/deploy/example/* .
over_ssh() { in_lab env DOCKER_HOST="$SSH_HOST" "$@"; }
over_ssh "$STACKC" deploy --resolve-image never -c stack.yml st >/dev/null

# run NAME CMD...: one timed run; appends "ms ssh-starts" to NAME.times
run() {
	local name=$1 t0 t1
	shift
	: >ssh/ssh.log
	t0=$(date +%s%N)
	over_ssh "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(wc -l <ssh/ssh.log)" >>"$name.times"
}
for i in $(seq 1 "$RUNS"); do
	run ssh-true ssh -p "$SSH_PORT" root@127.0.0.1 true
	run ssh-dial sh -c "ssh -p $SSH_PORT root@127.0.0.1 docker system dial-stdio </dev/null"
	run stackc-ls "$STACKC" ls
	run docker-ls "$DOCKER" stack ls
	run stackc-deploy "$STACKC" deploy --resolve-image never -c stack.yml st
	run docker-deploy "$DOCKER" stack deploy --resolve-image never -c stack.yml st
done

cell() { # times-file: "median ms (fastest), ssh processes started per run (the most)"
	sort -n "$1" | awk '{ a[NR] = $1; if ($2 > n) n = $2 } END { printf "%d ms (fastest %d ms), %d ssh", a[int((NR + 1) / 2)], a[1], n }'
}
row() { echo "| $1 | $(cell "$2") | $(cell "$3") |"; }
{
	echo "# stackc and the docker CLI over ssh"
	echo
	echo "\`bench/ssh.sh\`, $(date -u +%Y-%m-%d), $(nproc) CPUs; sshd on 127.0.0.1 in the lab's network namespace"
	echo "(no network latency: what is measured is the ssh handshakes and the requests); docker CLI"
	echo "$("$DOCKER" version --format '{{.Client.Version}}' 2>/dev/null), engine $(docker version --format '{{.Server.Version}}');"
	echo "the example stack (3 services, 2 networks, a secret, a config); median of $RUNS runs each;"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "| command | stackc | docker |"
	echo "|---|---:|---:|"
	row "ls" stackc-ls.times docker-ls.times
	row "deploy, unchanged files" stackc-deploy.times docker-deploy.times
	echo
	echo "The floor both pay once per ssh connection: \`ssh host true\` $(cell ssh-true.times);"
	echo "\`ssh host docker system dial-stdio </dev/null\` (handshake and the remote docker's start) $(cell ssh-dial.times)."
} | tee "$RESULTS"
