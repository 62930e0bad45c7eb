#!/bin/bash
# On a 3-node swarm, deploying through node 2: the global service runs one task on every node.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
DOCKER_HOST=$("$E2E_DIR/lab.sh" host 2)
export DOCKER_HOST
stackc deploy --resolve-image never -c stack.yml st >out 2>err || { cat out err >&2; fail "deploy through node 2 failed"; }
grep -qE '^st_agent: 3/3 running, converged after [0-9.]+s$' out || { cat out >&2; fail "st_agent did not reach 3/3"; }
# the lab's nodes share one hostname: count node IDs
# shellcheck disable=SC2046
nodes=$(docker inspect --format '{{.NodeID}}' $(docker service ps -q --filter desired-state=running st_agent) | sort -u | wc -l)
[ "$nodes" = 3 ] || { docker service ps st_agent >&2; fail "st_agent runs on $nodes nodes, expected 3"; }
converged st || fail "not converged"
