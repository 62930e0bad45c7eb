#!/bin/bash
# --prune removes the stack's networks, secrets and configs the files no longer define, after the
# services that used them no longer do, shown in the plan first; without it nothing is removed.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
# objects of another stack and of no stack must survive
printf x | docker secret create --label com.docker.stack.namespace=other other_pw - >/dev/null
printf x | docker config create loose_conf - >/dev/null
# web drops the front network, its secret and its config
python3 - <<'PY'
import yaml
s = yaml.safe_load(open("stack.yml"))
web = s["services"]["web"]
web["networks"] = ["back"]
del web["secrets"], web["configs"], s["secrets"], s["configs"]
del s["networks"]["front"]
yaml.safe_dump(s, open("less.yml", "w"))
PY
stackc diff --resolve-image never -c less.yml st >plan || { cat plan >&2; fail "diff failed"; }
grep -q '^- ' plan && { cat plan >&2; fail "diff without --prune removes"; }
stackc diff --prune --resolve-image never -c less.yml st >plan || { cat plan >&2; fail "diff --prune failed"; }
for o in "network st_front" "secret st_db_password" "config st_web_conf"; do
	grep -q "^- $o$" plan || { cat plan >&2; fail "diff --prune does not show '- $o'"; }
done
grep -q ', 3 to remove,' plan || { cat plan >&2; fail "expected 3 removals"; }
STACKC_TRACE=1 stackc deploy --prune --resolve-image never -c less.yml st >out 2>trace || { cat out trace >&2; fail "deploy --prune failed"; }
# the update of web comes before the removals of what it used
grep -nE '^(Updating service st_web|Removing (network|secret|config) )' out >order
head -1 order | grep -q 'Updating service st_web' || { cat out >&2; fail "a removal before web's update"; }
[ "$(wc -l <order)" = 4 ] || { cat out >&2; fail "expected web's update and 3 removals"; }
docker network inspect st_front >/dev/null 2>&1 && fail "st_front still exists"
docker secret inspect st_db_password >/dev/null 2>&1 && fail "st_db_password still exists"
docker config inspect st_web_conf >/dev/null 2>&1 && fail "st_web_conf still exists"
docker network inspect st_back >/dev/null 2>&1 || fail "st_back (still used) was removed"
docker secret inspect other_pw >/dev/null 2>&1 || fail "another stack's secret was removed"
docker config inspect loose_conf >/dev/null 2>&1 || fail "a config of no stack was removed"
stackc diff --prune --detailed-exitcode --resolve-image never -c less.yml st >plan || { cat plan >&2; fail "changes left after deploy --prune"; }
docker secret rm other_pw >/dev/null
docker config rm loose_conf >/dev/null
