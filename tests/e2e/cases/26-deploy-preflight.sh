#!/bin/bash
# Preflight: a port another stack publishes and a constraint no node meets are refused before the first write.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
cat >other.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: ["httpd", "-f", "-p", "8080"]
    ports: ["18081:8080"]
YML
docker stack deploy --resolve-image never -c other.yml other >/dev/null 2>&1 || fail "docker stack deploy other failed"
cat >stack.yml <<YML
version: "3.8"
services:
  a: {image: $IMAGE, command: ["sleep", "3600"]}
  b: {image: $IMAGE, command: ["sleep", "3600"]}
  web:
    image: $IMAGE
    command: ["httpd", "-f", "-p", "8080"]
    ports: ["18081:8080"]
  pinned:
    image: $IMAGE
    command: ["sleep", "3600"]
    deploy: {placement: {constraints: [node.role==manager, node.labels.zone==nowhere]}}
YML
rc=0
STACKC_TRACE=1 stackc deploy --resolve-image never -c stack.yml st >out 2>trace || rc=$?
[ $rc = 1 ] || { cat out trace >&2; fail "deploy: exit $rc, expected 1"; }
[ "$(writes trace)" = 0 ] || { grep -E 'POST|DELETE' trace >&2; fail "writes before the refusal"; }
grep -q 'service web: published port 18081/tcp is already used by service other_web, outside stack st' trace ||
	{ cat trace >&2; fail "the port conflict is not named"; }
grep -q 'service pinned: no node of the swarm (1) satisfies the placement constraint node.labels.zone==nowhere' trace ||
	{ cat trace >&2; fail "the unmet constraint is not named"; }
[ -z "$(docker service ls -q --filter label=com.docker.stack.namespace=st)" ] || fail "services of st were created"
# diff says the same, with only GET requests
rc=0
stackc diff --resolve-image never -c stack.yml st >/dev/null 2>err || rc=$?
[ $rc = 1 ] && grep -q 'already used by service other_web' err || { cat err >&2; fail "diff: exit $rc"; }
