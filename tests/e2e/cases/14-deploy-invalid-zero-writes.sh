#!/bin/bash
# Deploys refused before their first write: a changed secret that cannot be rotated, a missing external network.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
use_example
# a secret whose name, 64 characters, leaves no room for a generation suffix
long=db_password_$(printf 'x%.0s' $(seq 52))
sed -i "s|^    file: ./db_password.txt\$|    file: ./db_password.txt\n    name: $long|" stack.yml
grep -q "name: $long" stack.yml || fail "test setup: sed did not edit stack.yml"
stackc deploy --resolve-image never -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }

printf 'rotated\n' >db_password.txt
sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' stack.yml
rc=0
STACKC_TRACE=1 stackc deploy --resolve-image never -c stack.yml st >out 2>trace || rc=$?
[ $rc = 1 ] || { cat out trace >&2; fail "changed secret: exit $rc, expected 1"; }
grep -q "secret $long: its content changed, but the name of a new generation" trace || { cat trace >&2; fail "the changed secret is not named"; }
[ "$(writes trace)" = 0 ] || fail "changed secret: write requests were made"
grep -q 'rotated' trace out && fail "secret content printed"
docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' st_api | grep -q 'LOG_LEVEL=info' || fail "st_api was changed"

use_example
sed -i 's/^services:$/services:\n  extra:\n    image: stackc-lab\/busybox:1\n    networks: [outside]/' stack.yml
sed -i 's/^networks:$/networks:\n  outside:\n    external: true/' stack.yml
grep -q '^  extra:' stack.yml && grep -q '^  outside:' stack.yml || fail "test setup: sed did not edit stack.yml"
rc=0
STACKC_TRACE=1 stackc deploy --resolve-image never -c stack.yml st >out 2>trace || rc=$?
[ $rc = 1 ] || { cat out trace >&2; fail "missing external network: exit $rc, expected 1"; }
grep -q 'network "outside" is declared as external, but could not be found' trace || { cat trace >&2; fail "no external network error"; }
[ "$(writes trace)" = 0 ] || fail "missing external network: write requests were made"
docker service inspect st_extra >/dev/null 2>&1 && fail "st_extra was created"
true
