#!/bin/bash
# 200 services (0 replicas) deployed with --parallel 8, then all updated while someone else updates one of them: every service exists exactly once, the conflict is retried.
. "$E2E_DIR/lib.sh"
N=200
gen() { # gen VALUE: N services, environment V=VALUE
	printf 'version: "3.8"\nservices:\n'
	for ((i = 1; i <= N; i++)); do
		printf '  s%03d:\n    image: %s\n    command: sleep 100000\n    environment: {V: "%s"}\n    deploy: {replicas: 0}\n' "$i" "$IMAGE" "$1"
	done
}
expected() { for ((i = 1; i <= N; i++)); do printf 'st_s%03d\n' "$i"; done; }
names() { docker service ls --filter label=com.docker.stack.namespace=st --format '{{.Name}}' | sort; }
gen 1 >stack.yml
start=$(date +%s%N)
STACKC_TRACE=1 stackc deploy -d --parallel 8 --resolve-image never -c stack.yml st >out 2>trace || { tail -5 out trace >&2; fail "first deploy failed"; }
echo "note: fresh deploy of $N services with --parallel 8: $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ "$(grep -cE 'POST /v[0-9.]+/services/create 201 ' trace)" = $N ] || fail "not $N service creates"
names >got
expected >want
expect_same "the stack's services, each once" want got
# printed in plan order, not in completion order
grep '^Creating service' out | sed 's/^Creating service //' >printed
expect_same "progress lines in plan order" want printed

gen 2 >stack.yml
STACKC_TRACE=1 STACKC_TEST_PAUSE_BEFORE_APPLY=4 stackc deploy --parallel 8 --resolve-image never -c stack.yml st >out 2>trace &
pid=$!
wait_until 20 grep -q 'pausing' trace
docker service update -d --label-add x=1 st_s077 >/dev/null
rc=0
wait $pid || rc=$?
[ $rc = 0 ] || { tail -5 out trace >&2; fail "second deploy failed (exit $rc)"; }
grep -qE 'POST /v[0-9.]+/services/[a-z0-9]+/update\?version=[0-9]+ 500 ' trace || { tail trace >&2; fail "no version conflict: the race was not provoked"; }
[ "$(grep -cE 'POST /v[0-9.]+/services/[a-z0-9]+/update\?version=[0-9]+ 200 ' trace)" = $N ] || fail "not $N successful updates"
grep -cE 'POST /v[0-9.]+/services/create' trace >/dev/null && fail "the update created a service"
names >got
expect_same "still each service once" want got
# shellcheck disable=SC2046
docker service inspect --format '{{.Spec.Name}} {{json .Spec.TaskTemplate.ContainerSpec.Env}}' $(cat want) |
	grep -vc '\["V=2"\]' >stale || true
[ "$(cat stale)" = 0 ] || fail "$(cat stale) services without V=2"
exit 0
