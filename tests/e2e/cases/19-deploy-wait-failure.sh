#!/bin/bash
# A service that cannot start makes deploy fail with the task's error instead of hanging.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
cat >stack.yml <<YML
version: "3.8"
services:
  broken:
    image: stackc-lab/nosuch:1
YML
rc=0
start=$(date +%s)
stackc deploy --resolve-image never --timeout 60s -c stack.yml st >out 2>err || rc=$?
[ $rc = 4 ] || { cat out err >&2; fail "exit $rc, expected 4 (applied, not converged)"; }
[ $(($(date +%s) - start)) -lt 55 ] || fail "the failure was only seen at the timeout"
grep -qi 'no such image' err || { cat err >&2; fail "the task error is not shown"; }
