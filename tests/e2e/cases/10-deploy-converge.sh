#!/bin/bash
# stackc deploy converges, and the swarm then holds what docker stack deploy makes of the same files.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
# docker itself fails while the previous case's networks are still being removed: retry
wait_until 60 docker stack deploy -c stack.yml st
wait_until 90 converged st
docker stack services --format '{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}} {{.Ports}}' st | sort >theirs.services
spec_dump st >theirs.specs
docker stack rm st >/dev/null
wait_until 90 gone st

stackc deploy --resolve-image never -c stack.yml st >out 2>err || { cat out err >&2; fail "stackc deploy failed"; }
converged st || fail "not converged when stackc deploy returned"
grep -qE '^st_web: 2/2 running, converged after [0-9.]+s$' out || { cat out >&2; fail "no convergence line for st_web"; }
for s in web api agent; do grep -q "^Creating service st_$s$" out || fail "no 'Creating service st_$s'"; done
docker stack services --format '{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}} {{.Ports}}' st | sort >mine.services
expect_same "docker stack services" theirs.services mine.services
spec_dump st >mine.specs
expect_same "stored service specs" theirs.specs mine.specs
running=$(docker stack ps --filter desired-state=running --format '{{.CurrentState}}' st | grep -c '^Running')
[ "$running" = 4 ] || { docker stack ps st >&2; fail "expected 4 running tasks, got $running"; }
