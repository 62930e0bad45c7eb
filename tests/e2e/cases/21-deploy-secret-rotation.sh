#!/bin/bash
# A changed secret or config is rotated: a new generation the service uses at the same path,
# docker's name while the content is the first one, old generations removed beyond --keep-generations.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
cat >stack.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    secrets: [pw, {source: pw_copy, target: copy}]
    configs: [{source: conf, target: /etc/app.conf}]
secrets:
  pw: {file: ./pw.txt}
  pw_copy: {file: ./pw_copy.txt}
configs:
  conf: {file: ./app.conf}
YML
# a short, guessable value, twice
printf 'hunter2' >pw.txt
printf 'hunter2' >pw_copy.txt
printf 'mode=one\n' >app.conf
deploy() { STACKC_TRACE=1 stackc deploy --resolve-image never --timeout 60s -c stack.yml st >>out 2>>trace || { cat out trace >&2; fail "deploy failed"; }; }
fingerprint() { docker secret inspect --format '{{index .Spec.Labels "com.stackc.fingerprint"}}' "$1"; }
used() { docker service inspect --format "{{range .Spec.TaskTemplate.ContainerSpec.$1}}{{.$2}}={{.File.Name}} {{end}}" st_web; }

deploy
# generation 1 keeps docker's name; the same short content gets two different fingerprints
a=$(fingerprint st_pw) b=$(fingerprint st_pw_copy)
case $a in scrypt:ln=14,r=8,p=1:*) ;; *) fail "st_pw's fingerprint is '$a'" ;; esac
[ "$a" != "$b" ] || fail "two secrets with the same content have the same fingerprint: $a"
case "$(used Secrets SecretName)" in *"st_pw=pw "*) ;; *) fail "st_web does not use st_pw: $(used Secrets SecretName)" ;; esac

# a change of content: rotated, shown without the content
printf 'correct horse' >pw.txt
rc=0
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >plan 2>&1 || rc=$?
[ $rc = 2 ] || { cat plan >&2; fail "diff: exit $rc, expected 2"; }
grep -q '^~ secret st_pw: rotated (content changed)$' plan || { cat plan >&2; fail "no rotation line"; }
grep -q '^  new generation 2: st_pw-v2$' plan || { cat plan >&2; fail "no new generation line"; }
grep -q '^  services: st_web$' plan || { cat plan >&2; fail "no services line"; }
deploy
case "$(used Secrets SecretName)" in *"st_pw-v2=pw "*) ;; *) fail "st_web does not use st_pw-v2: $(used Secrets SecretName)" ;; esac
docker secret inspect st_pw >/dev/null 2>&1 || fail "generation 1 removed with only 2 generations (keep 2)"
[ "$(fingerprint st_pw_copy)" = "$b" ] || fail "st_pw_copy changed"

# again: 3 generations, more than 2 kept: the oldest goes once converged
printf 'battery staple' >pw.txt
deploy
case "$(used Secrets SecretName)" in *"st_pw-v3=pw "*) ;; *) fail "st_web does not use st_pw-v3" ;; esac
docker secret inspect st_pw >/dev/null 2>&1 && fail "generation 1 still there with 3 generations"
docker secret inspect st_pw-v2 >/dev/null 2>&1 || fail "generation 2 removed (keep 2)"
grep -q '^Removing secret st_pw (superseded generation)$' out || fail "no removal line"

# a config: its new data, read back with the API, at the same path
printf 'mode=two\n' >app.conf
deploy
case "$(used Configs ConfigName)" in *"st_conf-v2=/etc/app.conf "*) ;; *) fail "st_web does not use st_conf-v2" ;; esac
[ "$(docker config inspect --format '{{printf "%s" .Spec.Data}}' st_conf-v2)" = "mode=two" ] ||
	fail "st_conf-v2 holds $(docker config inspect --format '{{json .Spec.Data}}' st_conf-v2)"

# nothing changed: nothing written
: >trace
deploy
[ "$(writes trace)" = 0 ] || { grep -E 'POST|DELETE' trace >&2; fail "an unchanged redeploy wrote"; }

# the secret values never appear in any output
! grep -e hunter2 -e 'correct horse' -e 'battery staple' out trace plan || fail "a secret value was printed"
