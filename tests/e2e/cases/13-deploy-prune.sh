#!/bin/bash
# --prune removes only the service the files no longer define; without it nothing is removed.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
# a service of another stack must survive
docker service create -d --name other_svc --label com.docker.stack.namespace=other "$IMAGE" sleep 3600 >/dev/null
awk '/^  api:/ { skip = 1; next } /^  [a-z]+:/ { skip = 0 } !skip' stack.yml >less.yml
grep -q 'api' less.yml && fail "test setup: api still in less.yml"
stackc diff --resolve-image never -c less.yml st | tail -1 | grep -q ', 0 to remove,' || fail "diff without --prune removes"
stackc diff --prune --resolve-image never -c less.yml st >plan
grep -q '^- service st_api$' plan || { cat plan >&2; fail "diff --prune does not show the removal"; }
STACKC_TRACE=1 stackc deploy --prune --resolve-image never -c less.yml st >out 2>trace || { cat out trace >&2; fail "deploy --prune failed"; }
[ "$(writes trace)" = 1 ] || { grep -E 'POST|DELETE' trace >&2; fail "expected exactly one write"; }
grep -qE '^stackc: engine: DELETE /v[0-9.]+/services/' trace || fail "no DELETE"
grep -q '^Removing service st_api$' out || fail "no 'Removing service st_api'"
docker service inspect st_api >/dev/null 2>&1 && fail "st_api still exists"
docker service inspect other_svc >/dev/null 2>&1 || fail "a service of another stack was removed"
docker service inspect st_web st_agent >/dev/null || fail "a service still in the files was removed"
docker service rm other_svc >/dev/null
