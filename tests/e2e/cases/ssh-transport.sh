#!/bin/bash
# ssh:// as docker does it: a real sshd (openssh-server) whose sessions reach the lab engine with
# `docker system dial-stdio`; DOCKER_HOST=ssh://... and an ssh docker context both run ls, diff,
# deploy and rm; one deploy starts exactly one ssh; a key the server refuses fails with ssh's own
# message and exit 3.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/sshd.sh"
need_pkg /usr/sbin/sshd openssh-server
need_pkg ssh-keygen openssh-client

sshd_start "$PWD/ssh"
trap 'rc=$?; sshd_stop "$PWD/ssh"; exit $rc' EXIT
export PATH="$PWD/ssh/bin:$PATH"

cat >stack.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
    environment: {MODE: one}
YML

# ---- DOCKER_HOST=ssh://root@127.0.0.1:2222 ----
over_ssh() { in_lab env DOCKER_HOST="$SSH_HOST" "$@"; }

: >ssh/ssh.log
over_ssh "$STACKC" deploy --resolve-image never -c stack.yml sshst >out 2>err || { cat out err >&2; fail "deploy over ssh"; }
starts=$(wc -l <ssh/ssh.log)
[ "$starts" = 1 ] || { cat ssh/ssh.log >&2; fail "one deploy started $starts ssh processes, expected 1"; }
grep -q "^[0-9]* -l root -p $SSH_PORT -o ConnectTimeout=10 -T -- 127.0.0.1 docker system dial-stdio\$" ssh/ssh.log ||
	fail "ssh command line: $(cat ssh/ssh.log)"
grep -q 'sshst_web: 1/1 running, converged' out || fail "not converged: $(cat out)"
# the same engine seen through its local socket
[ "$(docker service inspect --format '{{.Spec.Name}}' sshst_web)" = sshst_web ] || fail "no sshst_web on the engine"

over_ssh "$STACKC" ls >mine 2>err || fail "ls over ssh: $(cat err)"
over_ssh "$DOCKER" stack ls >theirs
expect_same "stack ls over ssh" theirs mine
: >ssh/ssh.log
over_ssh "$DOCKER" stack deploy --resolve-image never -c stack.yml sshst >/dev/null 2>&1
echo "docker stack deploy (unchanged) started $(wc -l <ssh/ssh.log) ssh processes; stackc deploy: $starts"
over_ssh "$STACKC" diff --detailed-exitcode --resolve-image never -c stack.yml sshst >plan ||
	{ cat plan >&2; fail "diff over ssh after docker's redeploy"; }
over_ssh "$STACKC" services sshst >mine
over_ssh "$DOCKER" stack services sshst >theirs
expect_same "stack services over ssh" theirs mine
# -H wins over DOCKER_HOST
in_lab env DOCKER_HOST=unix:///nonexistent.sock "$STACKC" services -H "$SSH_HOST" sshst >mine ||
	fail "services -H ssh://"
expect_same "stack services with -H" theirs mine

# ---- an ssh docker context (DOCKER_HOST unset) ----
export DOCKER_CONFIG=$PWD/dockercfg
"$DOCKER" context create labssh --docker "host=$SSH_HOST" >/dev/null
by_context() { in_lab env -u DOCKER_HOST DOCKER_CONFIG="$DOCKER_CONFIG" DOCKER_CONTEXT=labssh "$@"; }
by_context "$STACKC" ls >mine 2>err || fail "ls by context: $(cat err)"
grep -q '^sshst ' mine || fail "ls by context: $(cat mine)"
sed -i 's/MODE: one/MODE: two/' stack.yml
by_context "$STACKC" diff --resolve-image never -c stack.yml sshst >plan || fail "diff by context"
grep -q 'Env\[0\]: "MODE=one" -> "MODE=two"' plan || fail "diff by context: $(cat plan)"
: >ssh/ssh.log
by_context "$STACKC" deploy --resolve-image never -c stack.yml sshst >out 2>err || { cat out err >&2; fail "deploy by context"; }
[ "$(wc -l <ssh/ssh.log)" = 1 ] || fail "deploy by context started $(wc -l <ssh/ssh.log) ssh processes"
[ "$(docker service inspect --format '{{index .Spec.TaskTemplate.ContainerSpec.Env 0}}' sshst_web)" = MODE=two ] ||
	fail "the update did not reach the engine"
by_context "$STACKC" rm sshst >out 2>err || fail "rm by context: $(cat err)"
unset DOCKER_CONFIG
[ -z "$(docker service ls -q --filter label=com.docker.stack.namespace=sshst)" ] || fail "sshst still has services"

# rm over DOCKER_HOST too
over_ssh "$STACKC" deploy --detach --resolve-image never -c stack.yml sshst2 >/dev/null 2>&1 || fail "deploy sshst2"
over_ssh "$STACKC" rm sshst2 >/dev/null 2>err || fail "rm over ssh: $(cat err)"
[ -z "$(docker service ls -q --filter label=com.docker.stack.namespace=sshst2)" ] || fail "sshst2 still has services"

# ---- failures: ssh's own message, the host named, exit 3 ----
set +e
in_lab env DOCKER_HOST="$SSH_HOST" SSH_KEY="$PWD/ssh/wrong" "$STACKC" ls >/dev/null 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "wrong key: exit $rc, expected 3: $(cat err)"
echo "stackc ls: cannot connect to the Docker Engine at $SSH_HOST: ssh exited with status 255: root@127.0.0.1: Permission denied (publickey)." >want
expect_same "wrong key" want err
grep -q "$(basename "$PWD")/ssh/wrong\|BEGIN OPENSSH" err && fail "the message shows the key"

# the remote docker cannot reach a daemon at that socket path
set +e
in_lab env DOCKER_HOST="$SSH_HOST/nonexistent.sock" "$STACKC" ls >/dev/null 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "bad socket path: exit $rc"
grep -q "^stackc ls: cannot connect to the Docker Engine at $SSH_HOST/nonexistent.sock: ssh exited with status 1: .*nonexistent.sock" err ||
	fail "bad socket path: $(cat err)"
# a host key that is not the one known for the host
cp ssh/known_hosts ssh/known_hosts.good
awk -v k="$(cut -d' ' -f1-2 ssh/wrong.pub)" '{ print $1, k }' ssh/known_hosts.good >ssh/known_hosts
set +e
in_lab env DOCKER_HOST="$SSH_HOST" "$STACKC" ls >/dev/null 2>err; rc=$?
set -e
cp ssh/known_hosts.good ssh/known_hosts
[ $rc = 3 ] || fail "changed host key: exit $rc"
grep -q "ssh exited with status 255: Host key verification failed.\$" err || fail "changed host key: $(cat err)"
echo "ok: $(cat err)"
