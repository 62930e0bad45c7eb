#!/bin/bash
# deploy v1 (env A), deploy v2 (env B): history shows 2 revisions; rollback gives env A back, diff of v1 shows no change.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/../../testdata/deploy/e2e-lib.sh"
stack() {
	cat >stack.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: sleep 100000
    environment:
      MODE: $1
    configs:
      - source: conf
        target: /conf
configs:
  conf:
    file: ./conf.txt
YML
	echo "$1" >conf.txt
}
env_of() { docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' st_web; }
stack A
stackc deploy --resolve-image never -c stack.yml st >out1 2>&1 || { cat out1 >&2; fail "deploy v1 failed"; }
grep -q "^Recorded revision 1 of stack st$" out1 || { cat out1 >&2; fail "no revision 1 recorded"; }
cp stack.yml v1.yml; cp conf.txt v1.txt
stack B
stackc deploy --resolve-image never -c stack.yml st >out2 2>&1 || { cat out2 >&2; fail "deploy v2 failed"; }
grep -q "^Recorded revision 2 of stack st$" out2 || { cat out2 >&2; fail "no revision 2 recorded"; }
env_of | grep -q 'MODE=B' || fail "v2 env not applied"
# an unchanged deploy records nothing
stackc deploy --resolve-image never -c stack.yml st >out3 2>&1 || { cat out3 >&2; fail "redeploy failed"; }
! grep -q "Recorded revision" out3 || fail "an unchanged deploy recorded a revision"
stackc history st >hist || fail "history failed"
[ "$(sed 1d hist | wc -l)" = 2 ] || { cat hist >&2; fail "history does not show 2 revisions"; }
[ "$(sed -n 2p hist | awk '{print $1}')" = 2 ] || { cat hist >&2; fail "history is not newest first"; }
head -1 hist | grep -q '^REVISION  *CREATED  *HOST  *USER  *SUMMARY$' || { cat hist >&2; fail "history header"; }
stackc history --format json st | python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; assert [x["Revision"] for x in r]==["2","1"], r'
# the revisions are not stack objects: diff --prune neither shows nor removes them
stackc diff --prune --resolve-image never -c stack.yml st >plan || { cat plan >&2; fail "diff --prune failed"; }
! grep -q stackc-rev plan || { cat plan >&2; fail "diff --prune shows a revision"; }
t0=$(date +%s.%N)
STACKC_TRACE=1 stackc rollback st >rb 2>trace || { cat rb trace >&2; fail "rollback failed"; }
t1=$(date +%s.%N)
grep -q "^Rolling back stack st to revision 1 " rb || { cat rb >&2; fail "not rolling back to revision 1"; }
env_of | grep -q 'MODE=A' || { env_of >&2; fail "rollback did not bring env A back"; }
[ "$(writes trace)" = 1 ] || { grep -E 'POST|DELETE' trace >&2; cat rb >&2; fail "rollback: expected exactly one write (the service update)"; }
docker service inspect --format '{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.ConfigName}}{{end}}' st_web | grep -qx 'st_conf' \
	|| fail "rollback did not point the service back at the config's first generation"
cp v1.yml stack.yml; cp v1.txt conf.txt
stackc diff --detailed-exitcode --resolve-image never -c stack.yml st >plan || { cat plan >&2; fail "diff of v1 after rollback shows changes"; }
# rolling back to what already runs writes nothing
STACKC_TRACE=1 stackc rollback --to 1 st >rb2 2>trace2 || { cat rb2 trace2 >&2; fail "second rollback failed"; }
[ "$(grep -cE '^stackc: engine: (POST|PUT|DELETE) ' trace2)" = 0 ] || { cat trace2 >&2; fail "rollback to the running revision wrote"; }
stackc history -q st | tr '\n' ' ' | grep -qx '3 2 1 ' || { stackc history st >&2; fail "the rollback is not revision 3"; }
rc=0; stackc rollback --to 9 st 2>err || rc=$?
[ $rc = 1 ] && grep -q "has no revision 9" err || { cat err >&2; fail "rollback --to 9: exit $rc"; }
echo "note: rollback to converged: $(python3 -c "print(f'{$t1-$t0:.2f}')") s"
