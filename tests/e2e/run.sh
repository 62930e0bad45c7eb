#!/bin/bash
# The e2e stage: stackc against real swarm engines. See tests/e2e/README.md.
# Prints PASS/FAIL/SKIP per case and last "e2e: N passed, N failed, N skipped";
# exits non-zero only when a case failed. Skips everything (exit 0) when not root
# or when no engine can be installed or started here.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
E2E_DIR=$(pwd)/tests/e2e
LABSH=$E2E_DIR/lab.sh
CASE_TIMEOUT=${E2E_CASE_TIMEOUT:-240}
pass=0 fail=0 skip=0

mapfile -t all < <(ls "$E2E_DIR"/cases/*.sh 2>/dev/null | sort)
[ $# -gt 0 ] && mapfile -t all < <(for c in "${all[@]}"; do for f in "$@"; do case ${c##*/} in *"$f"*) echo "$c"; break ;; esac; done; done)
single=() multi=()
for c in "${all[@]}"; do
	case $c in *-multinode.sh) multi+=("$c") ;; *) single+=("$c") ;; esac
done

finish() {
	echo "e2e: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
}
skip_rest() { # reason, cases...
	local reason=$1 c; shift
	echo "e2e: skipping: $reason"
	for c in "$@"; do echo "SKIP $(basename "$c" .sh)"; skip=$((skip + 1)); done
}

STACKC=$(cd "$BUILD" 2>/dev/null && pwd)/stackc
if [ ! -x "$STACKC" ]; then
	echo "e2e: $BUILD/stackc is not built"; fail=1; finish
fi
if ! reason=$("$LABSH" check 2>&1); then
	skip_rest "${reason:-the lab cannot run here}" "${all[@]}"; finish
fi

base=/tmp/stackc-e2e-$$
labs=()
teardown() { local l; for l in "${labs[@]}"; do LAB=$l "$LABSH" down >/dev/null 2>&1; done; }
trap teardown EXIT
trap 'exit 130' INT TERM

# Between cases: remove what a case left behind, so the next one starts clean.
reset_swarm() {
	local d=(env DOCKER_HOST="$DOCKER_HOST" /usr/bin/docker) ids
	ids=$("${d[@]}" service ls -q 2>/dev/null); [ -n "$ids" ] && "${d[@]}" service rm $ids >/dev/null 2>&1
	ids=$("${d[@]}" secret ls -q 2>/dev/null); [ -n "$ids" ] && "${d[@]}" secret rm $ids >/dev/null 2>&1
	ids=$("${d[@]}" config ls -q 2>/dev/null); [ -n "$ids" ] && "${d[@]}" config rm $ids >/dev/null 2>&1
	# networks can go only once the services' tasks are gone; a network still being
	# removed makes the next case's deploy fail with "network ... not found"
	local i
	for i in $(seq 1 150); do
		ids=$("${d[@]}" network ls -q --filter label=com.docker.stack.namespace 2>/dev/null)
		[ -z "$ids" ] && break
		"${d[@]}" network rm $ids >/dev/null 2>&1
		sleep 0.2
	done
	return 0
}

run_cases() { # nodes, cases...
	local nodes=$1 c name out rc t0; shift
	[ $# = 0 ] && return
	export LAB=$base-$nodes
	labs+=("$LAB")
	t0=$(date +%s)
	if ! DOCKER_HOST=$("$LABSH" up "$nodes" 2>"$base.up.log"); then
		skip_rest "could not start a $nodes-node lab: $(tail -3 "$base.up.log")" "$@"
		rm -f "$base.up.log"; LAB=$LAB "$LABSH" down >/dev/null 2>&1; return
	fi
	rm -f "$base.up.log"
	echo "e2e: $nodes-node lab up in $(( $(date +%s) - t0 ))s ($LAB)"
	export DOCKER_HOST STACKC E2E_DIR LAB DOCKER=/usr/bin/docker
	for c in "$@"; do
		name=$(basename "$c" .sh)
		out=$LAB/case-$name.out
		t0=$(date +%s)
		mkdir -p "$LAB/work-$name"
		(cd "$LAB/work-$name" && timeout -k 5 "$CASE_TIMEOUT" bash "$c") >"$out" 2>&1
		rc=$?
		case $rc in
		0) echo "PASS $name ($(( $(date +%s) - t0 ))s)"; pass=$((pass + 1))
		   grep '^note: ' "$out" | sed 's/^/    /' ;;
		77) echo "SKIP $name: $(tail -1 "$out")"; skip=$((skip + 1)) ;;
		*) echo "FAIL $name (exit $rc$([ $rc = 124 ] && echo ", timed out after ${CASE_TIMEOUT}s"))"
		   sed 's/^/    /' "$out"; fail=$((fail + 1)) ;;
		esac
		reset_swarm
	done
	LAB=$LAB "$LABSH" down >/dev/null 2>&1
}

t_start=$(date +%s)
run_cases 1 "${single[@]}"
run_cases 3 "${multi[@]}"
echo "e2e: stage took $(( $(date +%s) - t_start ))s"
finish
