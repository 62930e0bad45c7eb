#!/bin/bash
# Redeploying unchanged files makes no write request and leaves every service version as it was.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
versions st >before
STACKC_TRACE=1 stackc deploy --resolve-image never -c stack.yml st >out 2>trace || { cat out trace >&2; fail "redeploy failed"; }
[ "$(writes trace)" = 0 ] || { grep -E 'POST|DELETE' trace >&2; fail "redeploy made write requests"; }
for s in web api agent; do grep -q "^Service st_$s unchanged$" out || fail "no 'Service st_$s unchanged'"; done
versions st >after
expect_same "service versions" before after
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >plan || { cat plan >&2; fail "diff reports changes"; }
echo "Plan: 0 to create, 0 to update, 0 to remove, 8 unchanged." >want
expect_same "diff of an unchanged stack" want plan
