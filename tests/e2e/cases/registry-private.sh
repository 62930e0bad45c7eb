#!/bin/bash
# A real private registry (Debian's docker-registry, htpasswd auth) holding the only copy of an
# image, and a credential helper on PATH (docker-credential-labtest, answering from a file):
# --with-registry-auth gets the image's tasks running, pinned to its digest; without it, the
# warning; a new image pushed under the same tag shows as a digest move; --locked keeps the old
# digest; --lock writes it.
#
# The registry speaks plain HTTP on 127.0.0.1:5000 inside node 1's network namespace, where the
# engine pulls from it: docker trusts loopback registries without TLS by default, so no
# certificate or insecure-registries entry is needed.
. "$E2E_DIR/lib.sh"
need_pkg docker-registry docker-registry
need_pkg htpasswd apache2-utils

REG=127.0.0.1:5000
APP=$REG/lab/app:1
user=labuser pass=lab-$$-secret
mkdir -p reg/data hbin
htpasswd -Bbn "$user" "$pass" >reg/htpasswd 2>/dev/null
cat >reg/config.yml <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $PWD/reg/data}
http: {addr: "$REG", secret: stackc-e2e}
auth:
  htpasswd: {realm: stackc-e2e, path: $PWD/reg/htpasswd}
YML
"$E2E_DIR/lab.sh" exec 1 docker-registry serve reg/config.yml >reg/log 2>&1 &
regpid=$!
trap 'rc=$?; kill $regpid 2>/dev/null; wait $regpid 2>/dev/null || true; exit $rc' EXIT
wait_until 20 "$E2E_DIR/lab.sh" exec 1 busybox wget -q -O /dev/null "http://$user:$pass@$REG/v2/"

# push the lab image with a login of its own, then keep it only in the registry
echo "$pass" | DOCKER_CONFIG=$PWD/push docker login -u "$user" --password-stdin "$REG" >/dev/null 2>&1 ||
	fail "docker login to the registry: $(tail -3 reg/log)"
docker tag "$IMAGE" "$APP"
DOCKER_CONFIG=$PWD/push docker push "$APP" >push1 2>&1 || { cat push1 >&2; fail "push"; }
digest1=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' push1)
[ -n "$digest1" ] || fail "no digest in: $(cat push1)"
docker rmi "$APP" >/dev/null

# the credential helper docker would run: `get`, the registry on stdin, the credential from a file
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "$REG" "$user" "$pass" >creds.json
cat >hbin/docker-credential-labtest <<SH
#!/bin/sh
echo "\$*" >>"$PWD/helper.log"
[ "\$1" = get ] || exit 1
read -r registry
[ "\$registry" = "$REG" ] && exec cat "$PWD/creds.json"
echo 'credentials not found in native keychain'
exit 1
SH
chmod +x hbin/docker-credential-labtest
mkdir -p cfg
echo "{\"credHelpers\": {\"$REG\": \"labtest\"}}" >cfg/config.json
export DOCKER_CONFIG=$PWD/cfg PATH="$PWD/hbin:$PATH"

cat >stack.yml <<YML
version: "3.8"
services:
  app:
    image: $APP
    command: sleep 100000
    stop_grace_period: 1s
YML

# ---- without --with-registry-auth: the warning, and the nodes cannot pull ----
stackc deploy --detach -c stack.yml noauth >out 2>err || { cat out err >&2; fail "deploy without auth"; }
grep -qx "warning: the nodes will pull $APP without the credentials the docker configuration has for $REG (give --with-registry-auth)" err ||
	fail "no warning: $(cat err)"
[ "$(grep -c 'warning: the nodes will pull' err)" = 1 ] || fail "the warning is not once per registry"
[ ! -e helper.log ] || fail "the helper ran without --with-registry-auth"
grep -q 'could not be accessed on a registry' err || fail "no docker warning about the digest: $(cat err)"
stackc rm noauth >/dev/null

# ---- with it: the helper's credential, tasks running, pinned; --lock writes the digest ----
STACKC_TRACE=1 stackc deploy --with-registry-auth --lock app.lock --timeout 60 -c stack.yml priv >out 2>err ||
	{ cat out err >&2; fail "deploy with auth"; }
grep -q 'priv_app: 1/1 running, converged' out || fail "not converged: $(cat out)"
[ "$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' priv_app)" = "$APP@$digest1" ] ||
	fail "not pinned to $digest1"
[ "$(docker service inspect --format '{{index .Spec.Labels "com.docker.stack.image"}}' priv_app)" = "$APP" ] ||
	fail "the image label is not the compose text"
[ "$(cat helper.log)" = get ] || fail "the helper ran $(wc -l <helper.log) times: $(cat helper.log)"
grep -q "$pass" out err && fail "the secret appears in the output or the trace"
printf '{\n  "%s": "%s"\n}\n' "$APP" "$digest1" >want.lock
expect_same "lock file" want.lock app.lock

# ---- the tag moves: diff shows the digests; --locked keeps the old one ----
printf 'FROM %s\nLABEL rev=2\n' "$IMAGE" | DOCKER_BUILDKIT=0 docker build -q -t "$APP" - >/dev/null || fail "build"
DOCKER_CONFIG=$PWD/push docker push "$APP" >push2 2>&1 || { cat push2 >&2; fail "push 2"; }
digest2=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' push2)
docker rmi "$APP" >/dev/null
[ -n "$digest2" ] && [ "$digest2" != "$digest1" ] || fail "the new push has no new digest: $(cat push2)"
set +e
stackc diff --detailed-exitcode --with-registry-auth -c stack.yml priv >plan; rc=$?
set -e
[ $rc = 2 ] || { cat plan >&2; fail "diff after the push: exit $rc, expected 2"; }
short() { echo "${1:0:19}"; }
printf '~ service priv_app\n  image: %s (%s\xe2\x80\xa6 -> %s\xe2\x80\xa6)\nPlan: 0 to create, 1 to update, 0 to remove, 1 unchanged.\n' \
	"$APP" "$(short "$digest1")" "$(short "$digest2")" >want.plan
expect_same "diff of a moved tag" want.plan plan
stackc diff --detailed-exitcode --with-registry-auth --locked app.lock -c stack.yml priv >plan ||
	{ cat plan >&2; fail "diff --locked shows changes"; }
STACKC_TRACE=1 stackc deploy --with-registry-auth --locked app.lock -c stack.yml priv >out 2>err ||
	{ cat out err >&2; fail "deploy --locked"; }
grep -q '/distribution/' err && fail "deploy --locked asked the registry"
grep -qx 'Service priv_app unchanged' out || fail "deploy --locked: $(cat out)"
[ "$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' priv_app)" = "$APP@$digest1" ] ||
	fail "--locked did not keep $digest1"

# an image the lock lacks: refused before any request
sed "s|image: $APP|image: $REG/lab/other:1|" stack.yml >other.yml
set +e
STACKC_TRACE=1 stackc deploy --locked app.lock -c other.yml priv >out 2>err; rc=$?
set -e
[ $rc = 1 ] || fail "an image missing from the lock: exit $rc"
grep -q "service app: image $REG/lab/other:1 is not in the lock file app.lock" err || fail "missing image: $(cat err)"
grep -q 'stackc: engine:' err && fail "requests were made: $(cat err)"

# without the lock: the new digest rolls out
stackc deploy --with-registry-auth --timeout 60 -c stack.yml priv >out 2>err || { cat out err >&2; fail "deploy after the push"; }
[ "$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' priv_app)" = "$APP@$digest2" ] ||
	fail "not updated to $digest2"
stackc rm priv >/dev/null
echo "ok: $digest1 -> $digest2"
