#!/bin/bash
# rm removes services, secrets, configs and networks in docker's order, printing what
# docker stack rm prints, and returns only when the stack's tasks have stopped.
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
    networks: [front, back]
    secrets: [pw]
    configs: [conf]
  db:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
    networks: [back]
networks:
  front:
  back:
secrets:
  pw:
    file: ./pw.txt
configs:
  conf:
    file: ./app.conf
YML
for s in rma rmb; do docker stack deploy --resolve-image never -c stack.yml $s >/dev/null; done
running() { [ "$(docker ps -q --filter label=com.docker.stack.namespace="$1" | wc -l)" = "$2" ]; }
wait_until 60 running rma 3
wait_until 60 running rmb 3

# Both print the same lines; the order within networks and secrets is the Engine's
# list order, so compare with the stack name swapped.
docker stack rm rmb >theirs.out 2>&1
t0=$(date +%s%N)
stackc rm rma >mine.out 2>&1 || fail "rm: $(cat mine.out)"
t1=$(date +%s%N)
sed 's/rmb_/rma_/' theirs.out >theirs.norm
sort mine.out >mine.sorted; sort theirs.norm >theirs.sorted
expect_same "rm lines" theirs.sorted mine.sorted
# docker's order of kinds: services (sorted), secrets, configs, networks
kinds=$(awk '{print $2}' mine.out | uniq | tr '\n' ' ')
[ "$kinds" = "service secret config network " ] || fail "order of kinds: $kinds"
head -2 mine.out | cmp -s - <(printf 'Removing service rma_db\nRemoving service rma_web\n') || fail "services not sorted: $(cat mine.out)"
echo "rm took $(( (t1 - t0) / 1000000 ))ms"

# when rm returns, no container of the stack runs and nothing labelled is left
running rma 0 || fail "containers still running after rm: $(docker ps)"
for k in service secret config; do
	[ -z "$(docker $k ls -q --filter label=com.docker.stack.namespace=rma)" ] || fail "$k left"
done
[ -z "$(docker network ls -q --filter label=com.docker.stack.namespace=rma)" ] || fail "network left"

# an immediate redeploy works (the networks are free)
docker stack deploy --resolve-image never -c stack.yml rma >/dev/null
wait_until 60 running rma 3

# several stacks, one missing: "Nothing found", exit 0; --detach does not wait
wait_until 60 running rmb 0
# docker stack rm returns before its networks are gone; docker's deploy fails until they are
wait_until 60 docker stack deploy --resolve-image never -c stack.yml rmb
stackc rm --detach rma nosuch rmb >mine.out 2>mine.err || fail "rm several: $(cat mine.err)"
[ "$(cat mine.err)" = "Nothing found in stack: nosuch" ] || fail "stderr: $(cat mine.err)"
[ "$(grep -c '^Removing service' mine.out)" = 4 ] || fail "stdout: $(cat mine.out)"
stackc ls >ls.out
[ "$(cat ls.out)" = "NAME      SERVICES   ORCHESTRATOR" ] || fail "stacks left: $(cat ls.out)"

# usage errors
set +e
stackc rm >/dev/null 2>err; rc=$?
set -e
[ $rc = 2 ] || fail "rm without a stack: exit $rc"
