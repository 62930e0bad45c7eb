#!/bin/bash
# The bundled example (testdata/signup, base + prod + lab override) deploys and converges,
# docker's own stack commands show it, and an unchanged redeploy makes no write.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
cp -r "$E2E_DIR/../../testdata/signup/." .
# db is placed on nodes labelled storage=ssd; api allows one replica per node
docker node update --label-add storage=ssd "$(docker node ls -q | head -1)" >/dev/null
export API_REPLICAS=1
files="-f docker-compose.yml -f docker-compose.prod.yml -f docker-compose.lab.yml"

STACKC_TRACE=1 stackc deploy --resolve-image never $files signup >out 2>trace ||
	{ cat out trace >&2; fail "stackc deploy of the example failed"; }
converged signup || { docker stack services signup >&2; fail "example not converged"; }
n=$(docker stack services -q signup | wc -l)
[ "$n" = 7 ] || fail "expected 7 services, docker stack services shows $n"
docker stack ps --filter desired-state=running --format '{{.Name}} {{.CurrentState}}' signup >ps
grep -q '^signup_web\.1 Running' ps || { cat ps >&2; fail "signup_web.1 not running"; }
[ "$(stackc services -q signup | wc -l)" = 7 ] || fail "stackc services does not list 7"

versions signup >before
STACKC_TRACE=1 stackc deploy --resolve-image never $files signup >out2 2>trace2 ||
	{ cat out2 trace2 >&2; fail "redeploy failed"; }
w=$(writes trace2)
[ "$w" = 0 ] || { cat trace2 >&2; fail "unchanged redeploy made $w writes"; }
versions signup >after
expect_same "service versions after an unchanged redeploy" before after
stackc diff --detailed-exitcode $files signup >plan || fail "diff after redeploy reports changes (exit $?)"
grep -qE '^Plan: 0 to create, 0 to update, 0 to remove, 12 unchanged\.$' plan || { cat plan >&2; fail "unexpected plan"; }
