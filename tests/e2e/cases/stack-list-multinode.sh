#!/bin/bash
# On three managers: services and ps match docker's output with tasks spread over
# the nodes, and stackc follows DOCKER_HOST to any manager.
. "$E2E_DIR/lib.sh"

cat >stack.yml <<YML
version: "3.8"
services:
  spread:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
    deploy:
      replicas: 3
      placement:
        max_replicas_per_node: 1
  everywhere:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
    deploy:
      mode: global
YML
docker stack deploy --resolve-image never -c stack.yml multi >/dev/null
converged() { [ "$(docker stack services multi --format '{{.Replicas}}' | tr '\n' ' ')" = "3/3 3/3 (max 1 per node) " ]; }
wait_until 90 converged

for i in 1 2 3; do
	export DOCKER_HOST=$("$E2E_DIR/lab.sh" host $i)
	for args in "services multi" "ps multi" "ps --no-resolve multi"; do
		for try in 1 2 3 4 5; do
			stackc $args >mine.out; docker stack $args >theirs.out
			cmp -s mine.out theirs.out && break
		done
		expect_same "node $i: $args" theirs.out mine.out
	done
done
[ "$(awk 'NR > 1 {print $4}' mine.out | sort -u | wc -l)" = 3 ] || fail "tasks not on 3 nodes: $(cat mine.out)"
stackc rm multi >/dev/null
[ -z "$(docker service ls -q)" ] || fail "services left"
