#!/bin/bash
# A crash-looping update (exit 1, restart_policy.max_attempts: 2) fails the deploy with exit 4 and
# the task's own error well before the timeout; the time from the update to stackc's exit is noted.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
stack() {
	cat >stack.yml <<YML
version: "3.8"
services:
  app:
    image: $IMAGE
    command: $1
    stop_grace_period: 1s
    deploy:
      replicas: 2
      restart_policy: {condition: on-failure, max_attempts: 2}
YML
}
stack '["sleep", "3600"]'
stackc deploy --resolve-image never --timeout 60s -c stack.yml st >/dev/null 2>err || { cat err >&2; fail "first deploy failed"; }
stack '["sh", "-c", "echo starting; exit 1"]'
rc=0
start=$(date +%s.%N)
# -q: nothing on stdout, and still every failed service in the summary
stackc deploy -q --resolve-image never --timeout 120s -c stack.yml st >out 2>err || rc=$?
end=$(date +%s.%N)
took=$(echo "$end - $start" | bc)
[ $rc = 4 ] || { cat out err >&2; fail "exit $rc, expected 4"; }
[ "$(echo "$took < 60" | bc)" = 1 ] || { cat out err >&2; fail "the failure took ${took}s to be seen (timeout 120s)"; }
[ ! -s out ] || { cat out >&2; fail "deploy -q printed on stdout"; }
grep -q 'non-zero exit (1)' err || { cat out err >&2; fail "the task's error is not shown"; }
grep -q 'on node ' err || { cat out err >&2; fail "the task's node is not shown"; }
grep -q '^  st_app: failed after [0-9.]*s: ' err || { cat err >&2; fail "no summary line for st_app"; }
# when the first task of the update failed, by the engine's clock (the same machine)
first=$(docker inspect --format '{{if eq .Status.State "failed"}}{{.Status.Timestamp.Unix}}.{{printf "%09d" .Status.Timestamp.Nanosecond}}{{end}}' \
	$(docker service ps -q --no-trunc st_app) | grep . | sort -n | head -1)
since=$([ -n "$first" ] && echo "$end - $first" | bc || echo "?")
echo "note: crash-looping update: exit 4 ${took}s after the update was sent, ${since}s after its first task failed: $(grep -o 'failed after .*' err | cut -c1-400)"
