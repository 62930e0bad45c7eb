# Helpers for the deploy/diff e2e cases; sourced after tests/e2e/lib.sh.
EXAMPLE="$E2E_DIR/../../testdata/deploy/example"

# Copy the example stack into the case's working directory.
use_example() { cp "$EXAMPLE"/* .; }

# Number of write requests in a STACKC_TRACE log.
# The stack's writes in a trace: the revision recorded after convergence (a GET
# of the revisions, then POST /configs/create and DELETEs) is not counted.
writes() {
	awk '/^stackc: engine: / && rec == 1 { if ($0 ~ / POST [^ ]*\/configs\/create /) { before = m; rec = 2 } else rec = 0 }
	     /^stackc: engine: GET [^ ]*com.stackc.revision/ { if (rec != 2) { m = n; rec = 1 } }
	     /^stackc: engine: (POST|PUT|DELETE) / { n++ }
	     END { print (rec == 2 ? before : n) + 0 }' "$1"
}

# Every service of stack $1 runs its desired number of tasks.
converged() {
	local out
	out=$(docker stack services --format '{{.Replicas}}' "$1")
	# "1/1 (max 1 per node)": compare the counts only
	[ -n "$out" ] && echo "$out" | awk -F/ '{ split($2, t, " ") } $1 != t[1] { bad = 1 } END { exit bad }'
}

# Nothing of stack $1 is left: services, secrets, configs, networks.
gone() {
	local l="label=com.docker.stack.namespace=$1"
	[ -z "$(docker service ls -q --filter "$l")$(docker secret ls -q --filter "$l")$(docker config ls -q --filter "$l")" ] &&
		[ -z "$(docker network ls -q --filter "$l")" ]
}

# name version, for every service of stack $1
versions() {
	docker service ls --filter "label=com.docker.stack.namespace=$1" --format '{{.Name}}' | sort |
		while read -r s; do echo "$s $(docker service inspect --format '{{.Version.Index}}' "$s")"; done
}

# The stored specs of stack $1's services, comparable across deploys:
# network IDs turned into names, secret/config IDs dropped, keys sorted.
spec_dump() {
	# shellcheck disable=SC2046
	docker service inspect $(docker service ls -q --filter "label=com.docker.stack.namespace=$1") >svc.json
	docker network ls --no-trunc --format '{{.ID}} {{.Name}}' >nets.txt
	python3 - svc.json nets.txt <<'PY'
import json, sys
nets = dict(l.split() for l in open(sys.argv[2]) if l.strip())
for s in sorted(json.load(open(sys.argv[1])), key=lambda s: s["Spec"]["Name"]):
    spec = s["Spec"]
    tt = spec["TaskTemplate"]
    for n in tt.get("Networks", []):
        n["Target"] = nets.get(n["Target"], n["Target"])
    tt.get("Networks", []).sort(key=lambda n: n["Target"])
    cs = tt["ContainerSpec"]
    for r in cs.get("Secrets", []) + cs.get("Configs", []):
        r.pop("SecretID", None); r.pop("ConfigID", None)
    print(json.dumps(spec, sort_keys=True))
PY
}
