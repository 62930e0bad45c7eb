#!/bin/bash
# A saved plan (diff --out) is applied exactly by deploy --plan, and refused with zero writes,
# naming the service, when that service was changed on the swarm after the plan was made.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' stack.yml
stackc diff --out plan.json --resolve-image never -c stack.yml st >plan || fail "diff --out failed"
grep -q '^~ service st_api$' plan || { cat plan >&2; fail "the plan does not update st_api"; }
python3 - <<'PY' || fail "the saved plan is not as documented"
import json
p = json.load(open("plan.json"))
assert p["format"] == "stackc-plan/1" and p["stack"] == "st", p.get("format")
secret = [c for c in p["changes"] if c["kind"] == "secret"][0]
assert "Data" not in secret.get("body", {}), "secret data inline"
PY
grep -qF "$(base64 -w0 <db_password.txt)" plan.json && fail "the secret's content is in the plan"
# someone changes another service after the review
docker service update --detach --env-add X=1 st_web >/dev/null
rc=0
STACKC_TRACE=1 stackc deploy --plan plan.json st >out 2>trace || rc=$?
[ $rc = 1 ] || { cat out trace >&2; fail "deploy --plan after drift: exit $rc, expected 1"; }
[ "$(writes trace)" = 0 ] || { grep -E 'POST|DELETE' trace >&2; fail "writes after drift"; }
grep -q '^service st_web: changed since the plan (version [0-9]*, now [0-9]*)$' trace ||
	{ cat trace >&2; fail "the refusal does not name st_web"; }
docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' st_api | grep -q 'LOG_LEVEL=info' ||
	fail "st_api changed although the plan was refused"
# a new plan, reviewed, applied exactly
stackc diff --out plan2.json --resolve-image never -c stack.yml st >plan2 || fail "second diff --out failed"
start=$(date +%s%N)
STACKC_TRACE=1 stackc deploy --plan plan2.json --timeout 90s st >out 2>trace || { cat out trace >&2; fail "deploy --plan failed"; }
echo "note: deploy --plan (2 service updates) applied and converged in $((($(date +%s%N) - start) / 1000000)) ms"
[ "$(writes trace)" = 2 ] || { grep -E 'POST|DELETE' trace >&2; fail "expected 2 writes (st_api, st_web)"; }
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >after || { cat after >&2; fail "diff after deploy --plan still reports changes"; }
