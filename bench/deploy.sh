#!/usr/bin/env bash
# bench/deploy.sh — deploy benchmark on a local lab swarm: stackc deploy vs docker stack deploy.
#
#   bench/deploy.sh            (root: the lab needs network namespaces and dockerd)
#
# For each tool, on a fresh one-node lab swarm, a generated stack of DEPLOY_SERVICES (default 50)
# services (image stackc-lab/busybox:1, command sleep) goes through three steps:
#   fresh      first deploy, until every service runs its replicas
#   unchanged  the same files again
#   changed    one service's environment changed, until its update has rolled out
# Measured per step: the deploy command's wall time, the time until the stack is converged (polled
# directly on the engine after the command returns: equal to the command's time for a tool that
# waits), and the Engine API requests the tool made: every request passes through
# bench/sockproxy.py, which logs them; writes are POST/PUT/DELETE. For stackc the count of its own
# STACKC_TRACE=1 `stackc: engine:` write lines is shown too, as a cross-check.
#
# Environment: BUILD (default build), DOCKER (a docker CLI with `stack deploy --detach`, default
# the first in PATH), DOCKER_DEPLOY_ARGS (default --detach=false), STACKC_DEPLOY_ARGS (extra
# flags for stackc deploy), DEPLOY_SERVICES, DEPLOY_MONITOR (update_config.monitor of every
# service, default 1s: docker waits on services one after another, each for this window),
# DEPLOY_TIMEOUT (seconds per step, default 900), LAB (lab directory, default
# /tmp/stackc-bench-lab), DEPLOY_TOOLS (default "docker stackc"), DEPLOY_RESULTS (default
# bench/DEPLOY-RESULTS.md).
#
# DEPLOY_MODE=control: the control plane instead (500 services, 0 replicas, docker detached and
# stackc side by side on one lab, with DEPLOY_PARALLELS); its section replaces the one at the end
# of DEPLOY_RESULTS. See control() below.
#
# The lab is tests/e2e/lab.sh; when the tree has none, ../shared/swarm-lab.sh (development only).
# Exits 77 when no lab can run here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
. bench/lib.sh
NSVC=${DEPLOY_SERVICES:-50}
MONITOR=${DEPLOY_MONITOR:-1s}
STEP_TIMEOUT=${DEPLOY_TIMEOUT:-900}
TOOLS=${DEPLOY_TOOLS:-docker stackc}
RESULTS=${DEPLOY_RESULTS:-$ROOT/bench/DEPLOY-RESULTS.md}
export LAB=${LAB:-/tmp/stackc-bench-lab}
WORK=$ROOT/bench/work/deploy
STACK=bench
DOCKER=${DOCKER:-$(command -v docker || true)}
read -r -a DOCKER_ARGS <<<"${DOCKER_DEPLOY_ARGS:---detach=false}"
read -r -a STACKC_ARGS <<<"${STACKC_DEPLOY_ARGS:-}"

if [ -x tests/e2e/lab.sh ]; then LABSH=$ROOT/tests/e2e/lab.sh
elif [ -x ../shared/swarm-lab.sh ]; then LABSH=$(cd .. && pwd)/shared/swarm-lab.sh
else say "bench/deploy.sh: no lab (tests/e2e/lab.sh) in this tree"; exit 77
fi
[ "$(id -u)" = 0 ] || { say "bench/deploy.sh: the lab needs root"; exit 77; }
if [ -z "$DOCKER" ] || ! "$DOCKER" stack deploy --help 2>/dev/null | grep -- --detach >/dev/null; then
  say "bench/deploy.sh: DOCKER=$DOCKER has no 'stack deploy --detach' (docker CLI >= 26 needed)"; exit 77
fi
case " $TOOLS " in *" stackc "*) STACKC=$(stackc_bin "$ROOT" "${BUILD:-build}") ;; *) STACKC= ;; esac

# --- the stack -----------------------------------------------------------------------------------
# stack REVISION_OF_SERVICE_1 > FILE: NSVC services, one overlay network, one config
stack() {
  printf 'version: "3.8"\nservices:\n'
  local i
  for ((i = 1; i <= NSVC; i++)); do
    cat <<EOF
  s$i:
    image: stackc-lab/busybox:1
    command: ["sleep", "86400"]
    environment:
      INDEX: "$i"
      REVISION: "$([ "$i" = 1 ] && echo "$1" || echo 1)"
    stop_grace_period: 1s
    networks: [net]
    configs:
      - source: app
        target: /etc/app.conf
    deploy:
      replicas: 1
      update_config:
        monitor: $MONITOR
      labels:
        bench.index: "$i"
EOF
  done
  printf 'networks:\n  net:\n    driver: overlay\nconfigs:\n  app:\n    file: ./app.conf\n'
}

# --- lab, proxy, convergence ---------------------------------------------------------------------
PROXY_PID='' ENGINE_VERSION='' cmd=()
cleanup() {
  [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true
  PROXY_PID=
  "$LABSH" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

lab_up() { # tool: a fresh lab and a logging proxy in front of its engine
  local host
  host=$("$LABSH" up 1 | tail -1)
  ENGINE=$host
  ENGINE_VERSION=$(DOCKER_HOST=$host "$DOCKER" version --format '{{.Server.Version}}')
  rm -f "$WORK/$1.sock" "$WORK/$1.requests"
  python3 "$ROOT/bench/sockproxy.py" "$WORK/$1.sock" "${host#unix://}" "$WORK/$1.requests" &
  PROXY_PID=$!
  local _
  for _ in $(seq 1 50); do [ -S "$WORK/$1.sock" ] && return; sleep 0.1; done
  say "bench/deploy.sh: the proxy did not start"; exit 1
}

# converged: every stack service runs all its replicas and none is mid-update
converged() {
  local ids reps
  ids=$(DOCKER_HOST=$ENGINE "$DOCKER" service ls -q --filter "label=com.docker.stack.namespace=$STACK")
  [ "$(printf '%s\n' "$ids" | grep -c .)" = "$NSVC" ] || return 1
  reps=$(DOCKER_HOST=$ENGINE "$DOCKER" service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Replicas}}')
  printf '%s\n' "$reps" | awk -F'[/ ]' '$1 != $2 {bad = 1} END {exit bad}' || return 1
  # shellcheck disable=SC2086 # ids is a word list
  ! DOCKER_HOST=$ENGINE "$DOCKER" service inspect $ids \
      --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' | grep -q -E 'updating|rollback_started'
}

now() { date +%s.%N; }

# step TOOL STEP CMD...: run CMD, then poll until converged; append a row to $TSV
step() {
  local tool=$1 name=$2; shift 2
  local before t0 t1 t2 rc=0 writes all trace=""
  before=$(wc -l <"$WORK/$tool.requests")
  t0=$(now)
  timeout "$STEP_TIMEOUT" "$@" >"$WORK/$tool-$name.out" 2>"$WORK/$tool-$name.err" || rc=$?
  t1=$(now)
  if [ "$rc" != 0 ]; then
    say "  $tool $name: exit $rc ($(head -1 "$WORK/$tool-$name.err"))"
    printf '%s\t%s\t\t\t\t\t\texit %s: %s\n' "$tool" "$name" "$rc" "$(head -1 "$WORK/$tool-$name.err" | cut -c1-80)" >>"$TSV"; return 1
  fi
  local deadline
  deadline=$(awk -v t="$t1" -v s="$STEP_TIMEOUT" 'BEGIN {print t + s}')
  until converged; do
    if awk -v t="$(now)" -v d="$deadline" 'BEGIN {exit !(t > d)}'; then
      say "  $tool $name: not converged after ${STEP_TIMEOUT}s"
      printf '%s\t%s\t\t\t\t\t\tnot converged\n' "$tool" "$name" >>"$TSV"; return 1
    fi
    sleep 0.2
  done
  t2=$(now)
  sleep 0.3 # let the proxy log the last requests
  all=$(tail -n +"$((before + 1))" "$WORK/$tool.requests" | grep -c . || true)
  writes=$(tail -n +"$((before + 1))" "$WORK/$tool.requests" | grep -c -E '^(POST|PUT|PATCH|DELETE) ' || true)
  [ "$tool" = stackc ] && trace=$(grep -c -E '^stackc: engine: (POST|PUT|DELETE) ' "$WORK/$tool-$name.err" || true)
  say "  $tool $name: command $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s, converged $(awk -v a="$t0" -v b="$t2" 'BEGIN {printf "%.2f", b - a}') s, $writes writes / $all requests"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$tool" "$name" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')" \
    "$(awk -v a="$t0" -v b="$t2" 'BEGIN {printf "%.2f", b - a}')" "$writes" "$all" "$trace" >>"$TSV"
}

deploy_cmd() { # tool: sets cmd, the deploy command line, through the proxy
  case $1 in
    docker) cmd=(env "DOCKER_HOST=unix://$WORK/docker.sock" "$DOCKER" stack deploy "${DOCKER_ARGS[@]}" -c stack.yml "$STACK") ;;
    stackc) cmd=(env "DOCKER_HOST=unix://$WORK/stackc.sock" STACKC_TRACE=1 "$STACKC" deploy "${STACKC_ARGS[@]}" -f stack.yml "$STACK") ;;
  esac
}

# --- control plane: DEPLOY_MODE=control ----------------------------------------------------------
# One lab, side by side: DEPLOY_SERVICES (here default 500) services with 0 replicas (no task is
# started: only the manager's control plane works), one overlay network. docker's detached
# deploy; stackc -d with each --parallel of DEPLOY_PARALLELS (default "1 4 8 16"); the stack
# removed and gone between fresh deploys; then stackc's unchanged redeploy and diff. Wall time,
# requests on the Engine socket (by method), stackc's peak RSS (/usr/bin/time).
control_stack() {
  printf 'version: "3.8"\nservices:\n'
  local i
  for ((i = 1; i <= NSVC; i++)); do
    printf '  s%d:\n    image: stackc-lab/busybox:1\n    command: ["sleep", "86400"]\n    environment: {INDEX: "%d"}\n    networks: [net]\n    deploy: {replicas: 0}\n' "$i" "$i"
  done
  printf 'networks:\n  net:\n    driver: overlay\n'
}
gone() {
  [ -z "$(DOCKER_HOST=$ENGINE "$DOCKER" service ls -q --filter "label=com.docker.stack.namespace=$STACK")" ] &&
    [ -z "$(DOCKER_HOST=$ENGINE "$DOCKER" network ls -q --filter "label=com.docker.stack.namespace=$STACK")" ]
}
# cstep NAME CMD...: one row: wall s, requests (GET/POST/DELETE), peak RSS of stackc
cstep() {
  local name=$1 before t0 t1 rss='' reqs wall; shift
  before=$(wc -l <"$WORK/all.requests")
  t0=$(now)
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/step.out" 2>"$WORK/step.err" || { say "  $name failed: $(tail -1 "$WORK/step.err")"; return 1; }
  t1=$(now)
  case " $* " in *" $STACKC "*) rss=$(tail -1 "$WORK/rss") ;; esac
  sleep 0.3
  reqs=$(tail -n +"$((before + 1))" "$WORK/all.requests" | awk '{n[$1]++} END {printf "%d GET, %d POST, %d DELETE", n["GET"], n["POST"], n["DELETE"]}')
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  say "  $name: $wall s, $reqs${rss:+, peak RSS $rss KiB}"
  printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$reqs" "${rss:+$(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k / 1024}')}" >>"$WORK/rows.md"
}
remove_stack() {
  DOCKER_HOST=$ENGINE "$DOCKER" stack rm "$STACK" >/dev/null
  local _
  for _ in $(seq 1 600); do gone && return; sleep 0.2; done
  say "bench/deploy.sh: the stack was not removed"; exit 1
}
control() {
  NSVC=${DEPLOY_SERVICES:-500}
  local p
  rm -rf "$WORK"; mkdir -p "$WORK"; : >"$WORK/rows.md"
  cd "$WORK"
  control_stack >stack.yml
  lab_up all
  local S=(env "DOCKER_HOST=unix://$WORK/all.sock") D=(env "DOCKER_HOST=unix://$WORK/all.sock" "$DOCKER")
  cstep "docker stack deploy --detach=true (fresh)" "${D[@]}" stack deploy --detach=true -c stack.yml "$STACK"
  remove_stack
  for p in ${DEPLOY_PARALLELS:-1 4 8 16}; do
    cstep "stackc deploy -d --parallel $p (fresh)" "${S[@]}" "$STACKC" deploy -d --parallel "$p" --resolve-image never -f stack.yml "$STACK"
    remove_stack
  done
  cstep "stackc deploy -d (fresh, default --parallel)" "${S[@]}" "$STACKC" deploy -d --resolve-image never -f stack.yml "$STACK"
  cstep "stackc deploy -d (unchanged)" "${S[@]}" "$STACKC" deploy -d --resolve-image never -f stack.yml "$STACK"
  cstep "stackc deploy (unchanged, waits)" "${S[@]}" "$STACKC" deploy --resolve-image never -f stack.yml "$STACK"
  cstep "stackc diff" "${S[@]}" "$STACKC" diff --resolve-image never -f stack.yml "$STACK"
  cstep "docker stack deploy --detach=true (unchanged)" "${D[@]}" stack deploy --detach=true -c stack.yml "$STACK"
  cleanup
  cd "$ROOT"
  local ver_stackc
  ver_stackc=$(stackc_version "$STACKC")
  # a section of its own at the end of the results file, replaced on each run
  local marker='## Control plane: DEPLOY_MODE=control'
  [ -f "$RESULTS" ] && awk -v m="$marker" '$0 == m {exit} {print}' "$RESULTS" >"$WORK/head.md" || : >"$WORK/head.md"
  {
    cat "$WORK/head.md"
    printf '%s\n\n' "$marker"
    printf 'Generated by `DEPLOY_MODE=control bench/deploy.sh` on %s. See bench/README.md.\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf -- '- machine: %s\n' "$(machine)"
    printf -- '- lab: one one-node swarm from `%s`, Docker Engine %s, every step on it in this order;\n' "${LABSH#"$ROOT"/}" "${ENGINE_VERSION:-unknown}"
    printf -- '  %s services with 0 replicas and one overlay network; the stack removed and gone between fresh deploys\n' "$NSVC"
    printf -- '- docker: %s; stackc: %s (`--resolve-image never`: no registry in the lab)\n' "$("$DOCKER" --version)" "$ver_stackc"
    printf -- '- wall time of the command; requests counted on the Engine socket; peak RSS of stackc (`/usr/bin/time`)\n\n'
    printf '| step | wall (s) | requests | stackc peak RSS |\n|---|---:|---|---:|\n'
    cat "$WORK/rows.md"
  } >"$WORK/results.md"
  cp "$WORK/results.md" "$RESULTS"
  sed -n "/^$marker\$/,\$p" "$RESULTS"
  say "written to ${RESULTS#"$ROOT"/}"
}
if [ "${DEPLOY_MODE:-}" = control ]; then
  control
  exit 0
fi

# --- run -----------------------------------------------------------------------------------------
rm -rf "$WORK"; mkdir -p "$WORK"
TSV=$WORK/results.tsv
: >"$TSV"
echo "listen = 8080" >"$WORK/app.conf"
cd "$WORK"
for tool in $TOOLS; do
  if [ "$tool" = stackc ] && [ -z "$STACKC" ]; then
    printf 'stackc\tfresh\t\t\t\t\t\tnot built\n' >>"$TSV"; continue
  fi
  say "$tool: starting a fresh lab"
  lab_up "$tool"
  deploy_cmd "$tool"
  stack 1 >stack.yml
  if step "$tool" fresh "${cmd[@]}"; then
    step "$tool" unchanged "${cmd[@]}" || true
    stack 2 >stack.yml
    step "$tool" changed "${cmd[@]}" || true
  fi
  cleanup
done
cd "$ROOT"

ver_stackc=$(stackc_version "$STACKC") # before the results file is opened: git describe --dirty
{
  cat <<EOF
# stackc deploy benchmark results

Generated by \`bench/deploy.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). See bench/README.md.

- machine: $(machine)
- lab: one-node swarm from \`${LABSH#"$ROOT"/}\`, Docker Engine ${ENGINE_VERSION:-unknown}; $NSVC services, update_config.monitor $MONITOR
- docker: \`docker stack deploy ${DOCKER_ARGS[*]}${DOCKER_ARGS[*]:+ }-c stack.yml\` ($("$DOCKER" --version))
- stackc: \`stackc deploy ${STACKC_ARGS[*]}${STACKC_ARGS[*]:+ }-f stack.yml\` ($ver_stackc)
- command = the deploy command's wall time; converged = until every service runs its replicas
  and none is updating (polled after the command returns); requests counted on the Engine socket

| step | tool | command (s) | converged (s) | write requests | all requests | stackc trace writes | note |
|---|---|---:|---:|---:|---:|---:|---|
EOF
  for s in fresh unchanged changed; do
    awk -F'\t' -v s="$s" '$2 == s {printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $1, $3, $4, $5, $6, $7, $8}' "$WORK/results.tsv"
  done
} >"$RESULTS"
cat "$RESULTS"
say "written to ${RESULTS#"$ROOT"/}"
