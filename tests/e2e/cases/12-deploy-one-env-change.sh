#!/bin/bash
# Changing one environment variable is shown by diff and applied as exactly one service update.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' stack.yml
rc=0
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >plan || rc=$?
[ $rc = 2 ] || { cat plan >&2; fail "diff --detailed-exitcode: exit $rc, expected 2"; }
cat >want <<'TXT'
~ service st_api
  TaskTemplate.ContainerSpec.Env[0]: "LOG_LEVEL=info" -> "LOG_LEVEL=debug"
Plan: 0 to create, 1 to update, 0 to remove, 7 unchanged.
TXT
expect_same "plan" want plan
stackc diff --format json --resolve-image never -c stack.yml st >plan.json
python3 -c 'import json,sys; p=json.load(open("plan.json")); assert p["summary"]=={"create":0,"update":1,"remove":0,"unchanged":7}, p["summary"]'
id=$(docker service inspect --format '{{.ID}}' st_api)
STACKC_TRACE=1 stackc deploy --resolve-image never -c stack.yml st >out 2>trace || { cat out trace >&2; fail "deploy failed"; }
[ "$(writes trace)" = 1 ] || { grep -E 'POST|DELETE' trace >&2; fail "expected exactly one write"; }
grep -qE "^stackc: engine: POST /v[0-9.]+/services/$id/update\?version=[0-9]+ 200 " trace || fail "the write is not the update of st_api"
grep -q "^Updating service st_api (id: $id)$" out || fail "no 'Updating service st_api' line"
docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' st_api | grep -q 'LOG_LEVEL=debug' || fail "env not updated"
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >/dev/null || fail "diff after deploy still reports changes"
