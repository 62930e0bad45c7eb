#!/bin/bash
# SIGINT during a 20-service deploy: the request in flight completes, no other write is sent, exit
# 130 naming what was and was not applied; a rerun converges with every object exactly once.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
{
	echo 'version: "3.8"'
	echo 'services:'
	for i in $(seq -w 1 20); do
		printf '  s%s:\n    image: %s\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n' "$i" "$IMAGE"
	done
} >stack.yml
created() { grep -c '^Creating service' out || true; }
: >out
# one write at a time: the signal lands between two writes (the unit tests cover --parallel)
STACKC_TRACE=1 "$STACKC" deploy --parallel 1 --resolve-image never -c stack.yml st >out 2>err &
pid=$!
# the signal once a few services exist, while the others are being created
for _ in $(seq 1 1000); do [ "$(created)" -ge 3 ] && break; sleep 0.01; done
kill -INT $pid
rc=0
wait $pid || rc=$?
[ $rc = 130 ] || { cat out err >&2; fail "exit $rc, expected 130"; }
grep -q '^stackc deploy: interrupted by SIGINT during the deploy' err ||
	{ cat out err >&2; fail "the signal did not land during the writes (all $(created) created first?)"; }
# what it says it applied is what the swarm holds, and nothing else was written after the signal
applied=$(awk '/^applied/ { on = 1; next } /^not applied/ { on = 0 } on && /^  \+ service / { n++ } END { print n + 0 }' err)
missing=$(awk '/^not applied/ { on = 1; next } on && /^  \+ service / { n++ } END { print n + 0 }' err)
[ $((applied + missing)) = 20 ] || { cat err >&2; fail "applied $applied + not applied $missing is not 20"; }
[ "$missing" -gt 0 ] || { cat err >&2; fail "nothing was left unapplied"; }
have=$(docker service ls -q --filter label=com.docker.stack.namespace=st | wc -l)
[ "$have" = "$applied" ] || { cat err >&2; fail "says $applied services applied, the swarm has $have"; }
[ "$(writes err)" = "$((applied + 1))" ] || { grep -E 'POST|DELETE' err >&2; fail "expected $((applied + 1)) writes (network + services)"; }
grep -q '^Deploy again to converge from here.$' err || fail "no hint to deploy again"
echo "note: SIGINT after $(created) 'Creating service' lines: $applied of 20 services applied, $missing not"

# the rerun converges from there: every service and the network exactly once
stackc deploy --resolve-image never --timeout 120s -c stack.yml st >out2 2>err2 || { cat out2 err2 >&2; fail "rerun failed"; }
[ "$(grep -c '^Creating service' out2)" = "$missing" ] || { cat out2 >&2; fail "the rerun did not create exactly the missing services"; }
names=$(docker service ls --filter label=com.docker.stack.namespace=st --format '{{.Name}}' | sort)
[ "$(echo "$names" | wc -l)" = 20 ] || fail "expected 20 services: $names"
[ "$(echo "$names" | uniq | wc -l)" = 20 ] || fail "a service twice: $names"
[ "$(docker network ls -q --filter name=st_default | wc -l)" = 1 ] || fail "st_default is not there exactly once"
# (the rerun waits for what it created; those of the first run converge on their own)
wait_until 60 converged st
