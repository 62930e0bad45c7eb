#!/bin/bash
# ls, services and ps print what docker stack ls/services/ps print, for a stack
# with replicated, global and host-port services, secrets and configs.
. "$E2E_DIR/lib.sh"

echo 's3cret' >pw.txt
echo 'conf' >app.conf
cat >stack.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
    deploy:
      replicas: 2
    ports:
      - "8080:80"
      - "9000-9002:9000-9002/udp"
    networks: [backend]
    secrets: [pw]
    configs:
      - source: conf
        target: /etc/app.conf
  agent:
    image: $IMAGE
    command: ["sleep", "100000"]
    stop_grace_period: 1s
    deploy:
      mode: global
  solo:
    image: $IMAGE
    command: ["sleep", "100000"]
    stop_grace_period: 1s
    ports:
      - target: 5000
        published: 5000
        mode: host
    deploy:
      placement:
        max_replicas_per_node: 1
networks:
  backend:
secrets:
  pw:
    file: ./pw.txt
configs:
  conf:
    file: ./app.conf
YML
docker stack deploy --resolve-image never -c stack.yml lst >/dev/null
cat >small.yml <<YML
version: "3.8"
services:
  one:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
YML
for s in lst10 lst9; do docker stack deploy --resolve-image never -c small.yml $s >/dev/null; done

converged() { ! docker stack services lst | awk 'NR > 1 { split($4, r, "/"); if (r[1] != r[2] || r[2] == 0) bad = 1 } END { exit !bad }'; }
wait_until 60 converged

# The same command twice, until both agree (ps shows times that can tick between the runs).
same() { # label, stackc args..., --, docker args...
	local label=$1 i rc; shift
	local mine=() theirs=()
	while [ "$1" != -- ]; do mine+=("$1"); shift; done; shift
	theirs=("$@")
	for i in 1 2 3 4 5; do
		rc=0; stackc "${mine[@]}" >mine.out 2>mine.err || rc=$?; echo "rc=$rc" >>mine.out
		rc=0; docker "${theirs[@]}" >theirs.out 2>theirs.err || rc=$?; echo "rc=$rc" >>theirs.out
		cat mine.err >>mine.out; cat theirs.err >>theirs.out
		cmp -s mine.out theirs.out && return 0
	done
	expect_same "$label" theirs.out mine.out
}

same "ls" ls -- stack ls
same "services" services lst -- stack services lst
same "services -q" services -q lst -- stack services -q lst
same "services --filter" services --filter name=lst_web lst -- stack services --filter name=lst_web lst
same "services nothing" services nosuch -- stack services nosuch
same "ps" ps lst -- stack ps lst
same "ps --no-trunc" ps --no-trunc lst -- stack ps --no-trunc lst
same "ps -q" ps -q lst -- stack ps -q lst
same "ps --no-resolve" ps --no-resolve lst -- stack ps --no-resolve lst
same "ps -f desired-state" ps -f desired-state=running lst -- stack ps -f desired-state=running lst
same "ps nothing" ps nosuch -- stack ps nosuch

# --debug traces every request with its status
stackc --debug ls >/dev/null 2>trace || true
stackc ls --debug >/dev/null 2>trace
grep -Eq '^stackc: engine: GET /_ping 200 [0-9]+ms$' trace || fail "no ping trace: $(cat trace)"
grep -Eq '^stackc: engine: GET /v1\.[0-9]+/services\?filters=[^ ]+ 200 [0-9]+ms$' trace || fail "no trace: $(cat trace)"

# -H beats DOCKER_HOST
DOCKER_HOST=unix:///nonexistent.sock stackc ls -H "$("$E2E_DIR/lab.sh" host 1)" >mine.out
docker stack ls >theirs.out
expect_same "ls -H" theirs.out mine.out

# no engine: exit 3 and a message naming the socket
set +e
DOCKER_HOST=unix:///nonexistent.sock stackc ls 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "ls without an engine: exit $rc, expected 3"
grep -q 'cannot connect to the Docker Engine at unix:///nonexistent.sock' err || fail "message: $(cat err)"
