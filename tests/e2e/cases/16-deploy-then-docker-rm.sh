#!/bin/bash
# What stackc deploy creates, docker stack rm removes entirely (labels and names as docker's).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "deploy failed"; }
docker stack ls --format '{{.Name}} {{.Services}}' | grep -qx 'st 3' || { docker stack ls >&2; fail "docker stack ls does not show st with 3 services"; }
docker stack rm st >/dev/null
wait_until 90 gone st
