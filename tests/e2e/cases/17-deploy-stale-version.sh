#!/bin/bash
# A service updated by someone else between plan and apply: the update is re-read, retried and converges.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' stack.yml
STACKC_TRACE=1 STACKC_TEST_PAUSE_BEFORE_APPLY=4 stackc deploy --resolve-image never -c stack.yml st >out 2>trace &
pid=$!
wait_until 10 grep -q 'pausing' trace
docker service update -d --label-add touched=1 st_api >/dev/null
rc=0
wait $pid || rc=$?
[ $rc = 0 ] || { cat out trace >&2; fail "deploy failed (exit $rc)"; }
grep -qE 'POST /v[0-9.]+/services/[a-z0-9]+/update\?version=[0-9]+ 500 ' trace || { cat trace >&2; fail "no stale-version error: the race was not provoked"; }
grep -qE 'POST /v[0-9.]+/services/[a-z0-9]+/update\?version=[0-9]+ 200 ' trace || fail "no successful retry"
docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' st_api | grep -q 'LOG_LEVEL=debug' || fail "env not updated"
converged st || fail "not converged"
