#!/bin/bash
# After docker stack deploy, stackc diff sees no change and stackc deploy writes nothing.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
# docker itself fails while the previous case's networks are still being removed: retry
wait_until 60 docker stack deploy -c stack.yml st
wait_until 90 converged st
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >plan || { cat plan >&2; fail "diff --resolve-image never reports changes"; }
stackc diff --detailed-exitcode -c stack.yml st >plan 2>warn || { cat plan >&2; fail "diff (resolve always) reports changes"; }
versions st >before
STACKC_TRACE=1 stackc deploy -c stack.yml st >out 2>trace || { cat out trace >&2; fail "deploy failed"; }
[ "$(writes trace)" = 0 ] || { grep -E 'POST|DELETE' trace >&2; fail "deploy after docker made write requests"; }
versions st >after
expect_same "service versions" before after
