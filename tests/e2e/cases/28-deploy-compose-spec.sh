#!/bin/bash
# A Compose Specification project (extends, include, profiles, a content: config, an environment:
# secret) deploys and converges; the secret's value is in no output; an unchanged redeploy writes nothing.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
mkdir lib
cat >lib/compose.yaml <<YML
services:
  worker:
    image: $IMAGE
    command: sleep 100000
YML
cat >base.yaml <<YML
services:
  common:
    image: $IMAGE
    command: sleep 100000
    environment:
      ROLE: common
YML
cat >compose.yaml <<'YML'
name: spec
include:
  - lib/compose.yaml
services:
  web:
    extends:
      file: base.yaml
      service: common
    environment:
      ROLE: web
    configs:
      - source: app_conf
        target: /etc/app.conf
    secrets: [db_password]
  debug:
    extends: web
    profiles: [debug]
configs:
  app_conf:
    content: |
      listen ${PORT:-8080};
secrets:
  db_password:
    environment: DB_PASSWORD
YML
export DB_PASSWORD=e2e-not-shown-4711
STACKC_TRACE=1 stackc deploy --resolve-image never spec >out 2>trace || { cat out trace >&2; fail "deploy failed"; }
if grep -q e2e-not-shown-4711 out trace; then fail "the secret's value is in the output"; fi
wait_until 120 converged spec || { docker stack services spec >&2; fail "not converged"; }
docker service ls --filter label=com.docker.stack.namespace=spec --format '{{.Name}}' | sort >services
printf 'spec_web\nspec_worker\n' >want
expect_same "services (debug left out by its profile)" want services
[ "$(docker config inspect --format '{{printf "%s" .Spec.Data}}' spec_app_conf)" = "listen 8080;" ] ||
	fail "config data is not the content"
docker secret inspect spec_db_password >/dev/null || fail "no secret spec_db_password"

versions spec >before
STACKC_TRACE=1 stackc deploy --resolve-image never spec >out2 2>trace2 || { cat out2 trace2 >&2; fail "redeploy failed"; }
w=$(writes trace2)
[ "$w" = 0 ] || { grep -E 'POST|PUT|DELETE' trace2 >&2; fail "unchanged redeploy made $w writes"; }
versions spec >after
expect_same "service versions after an unchanged redeploy" before after
stackc diff --detailed-exitcode --resolve-image never spec >plan || { cat plan >&2; fail "diff reports changes"; }
