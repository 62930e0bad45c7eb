#!/usr/bin/env bash
# bench/run.sh — `config` benchmark: stackc vs docker stack config vs docker-compose v1 vs the
# libyaml parse-only floor, on generated N-service three-file projects (bench/gen.py).
#
#   bench/run.sh                     N = 10 100 500 2000 10000, 5 measured runs after a warm-up
#   BENCH_N="10 100" bench/run.sh    other sizes
#   bench/run.sh --report            render RESULTS.md again from the last run's figures
#
# Environment: BUILD (stackc build dir, default build), BENCH_RUNS (default 5), BENCH_TIMEOUT
# (seconds per run, default 300), BENCH_SLOW (seconds: a tool whose warm-up takes longer is run
# once and skipped at larger N, default 60), BENCH_COMPOSE_V1=0 (skip docker-compose v1),
# BENCH_RESULTS (default bench/RESULTS.md), BENCH_BASELINE (another stackc binary, e.g. an older
# build: its `validate` and `.env` runs are measured in the same run, side by side;
# BENCH_BASELINE_NAME says what it was built from).
# Work files go to bench/work, binaries to bench/out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
NS=${BENCH_N:-10 100 500 2000 10000}
RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-300}
SLOW=${BENCH_SLOW:-60}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
OUT=$ROOT/bench/out
WORK=$ROOT/bench/work
FILES=(docker-compose.yml docker-compose.prod.yml docker-compose.override-2.yml)
TSV=$WORK/results.tsv

# shellcheck source=bench/lib.sh
. bench/lib.sh

# --- tools ---------------------------------------------------------------------------------------
mkdir -p "$OUT" "$WORK"
for p in measure floor; do
  # shellcheck disable=SC2046 # pkg-config output is a word list
  cc -std=c11 -O2 -Wall -Wextra -o "$OUT/$p" "bench/$p.c" $(pkg-config --cflags --libs yaml-0.1)
done
MEASURE=$OUT/measure

STACKC=$(stackc_bin "$ROOT" "$BUILD")

DOCKER=$(command -v docker || true)
[ -n "$DOCKER" ] || { say "bench: docker CLI not found (it is the reference; install it)"; exit 1; }

V1=
if [ "${BENCH_COMPOSE_V1:-1}" != 0 ]; then
  if ! command -v docker-compose >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing Debian's docker-compose (v1) for comparison"
    (export DEBIAN_FRONTEND=noninteractive
     timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq docker-compose) >/dev/null 2>&1 \
      || say "could not install docker-compose: skipped"
  fi
  case $(docker-compose version --short 2>/dev/null) in
    1.*) V1=$(command -v docker-compose) ;;
  esac
  if [ -z "$V1" ]; then
    say "docker-compose v1 not available: skipped"
  fi
fi

# --- measuring -----------------------------------------------------------------------------------
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

declare -A skip   # tool -> reason, once it got too slow at a smaller N

# bench_tool N TOOL CMD... : warm-up, then RUNS runs; appends to $TSV the row
#   N  TOOL  wall-ms  peak-KiB  note  cpu-ms        (medians; note: why there are no figures)
bench_tool() {
  local n=$1 tool=$2; shift 2
  if [ -n "${skip[$tool]:-}" ]; then
    printf '%s\t%s\t\t\t%s\t\n' "$n" "$tool" "${skip[$tool]}" >>"$TSV"; return
  fi
  local ms cpu kb st
  read -r ms cpu kb st < <("$MEASURE" -t "$TIMEOUT" -o "$WORK/$n/$tool.out" -e "$WORK/$n/$tool.err" -- "$@")
  if [ "$st" != 0 ]; then
    case $st in [0-9]*) st="exit $st" ;; esac
    say "  $tool: n/a (warm-up: $st; see $WORK/$n/$tool.err)"
    printf '%s\t%s\t\t\t%s\t\n' "$n" "$tool" "$st" >>"$TSV"; return 1
  fi
  if awk -v ms="$ms" -v s="$SLOW" 'BEGIN {exit !(ms > s * 1000)}'; then
    say "  $tool: warm-up took $ms ms > ${SLOW}s: one run only, skipped at larger N"
    skip[$tool]="skipped (> ${SLOW}s at a smaller N)"
    printf '%s\t%s\t%s\t%s\t1 run\t%s\n' "$n" "$tool" "$ms" "$kb" "$cpu" >>"$TSV"; return
  fi
  local walls=() cpus=() rss=() i
  for ((i = 0; i < RUNS; i++)); do
    read -r ms cpu kb st < <("$MEASURE" -t "$TIMEOUT" -- "$@")
    if [ "$st" != 0 ]; then
      say "  $tool: run $i failed ($st)"
      printf '%s\t%s\t\t\tunstable: %s\t\n' "$n" "$tool" "$st" >>"$TSV"; return 1
    fi
    walls+=("$ms"); cpus+=("$cpu"); rss+=("$kb")
  done
  ms=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  kb=$(printf '%s\n' "${rss[@]}" | median)
  say "  $tool: $ms ms wall, $cpu ms CPU, $kb KiB"
  printf '%s\t%s\t%s\t%s\t\t%s\n' "$n" "$tool" "$ms" "$kb" "$cpu" >>"$TSV"
}

# `run.sh --report` only renders RESULTS.md again from the last run's bench/work/results.tsv.
if [ "${1:-}" != --report ]; then
  : >"$TSV"
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/load-start"
  args() { local flag=$1 f; for f in "${FILES[@]}"; do printf '%s\0%s\0' "$flag" "$f"; done; }
  mapfile -d '' C_ARGS < <(args -c)
  mapfile -d '' F_ARGS < <(args -f)
  for n in $NS; do
    d=$WORK/$n
    rm -rf "$d"
    python3 bench/gen.py "$n" "$d"
    bytes=$(cat "${FILES[@]/#/$d/}" "$d/.env" | wc -c)
    printf '%s\tinput\t\t%s\t\t\n' "$n" "$bytes" >>"$TSV"
    say "N=$n: input $bytes bytes"
    cd "$d"
    # docker stack config reads no .env: every tool gets the variables from the environment too
    # shellcheck disable=SC1091
    . ./env.sh
    bench_tool "$n" docker "$DOCKER" stack config "${C_ARGS[@]}" \
      || { say "bench: docker stack config rejects the generated project"; head -5 docker.err >&2; exit 1; }
    # the floor and stackc back to back: their ratio is the target, so both see the same machine
    # state (right after docker stack config has churned through gigabytes, the first runs of
    # anything are slower)
    bench_tool "$n" floor "$OUT/floor" "${FILES[@]}" || { say "bench: the floor failed"; exit 1; }
    if [ -x "$STACKC" ]; then
      if bench_tool "$n" stackc "$STACKC" config "${F_ARGS[@]}"; then
        same=no; cmp -s stackc.out docker.out && same=yes
        printf '%s\tsame\t\t\t%s\t\n' "$n" "$same" >>"$TSV"
      fi
      # as users run it: the variables come from the project's .env, not the environment
      bench_tool "$n" stackc-dotenv env -i PATH="$PATH" HOME="$HOME" "$STACKC" config "${F_ARGS[@]}" || true
      bench_tool "$n" stackc-validate "$STACKC" validate "${F_ARGS[@]}" || true
      if [ -n "${BENCH_BASELINE:-}" ]; then
        bench_tool "$n" base-dotenv env -i PATH="$PATH" HOME="$HOME" "$BENCH_BASELINE" config "${F_ARGS[@]}" || true
        bench_tool "$n" base-validate "$BENCH_BASELINE" validate "${F_ARGS[@]}" || true
      fi
    else
      printf '%s\tstackc\t\t\tnot built\t\n' "$n" >>"$TSV"
    fi
    if [ -n "$V1" ]; then
      bench_tool "$n" v1 "$V1" "${F_ARGS[@]}" config || true
    else
      printf '%s\tv1\t\t\t%s\t\n' "$n" "$([ "${BENCH_COMPOSE_V1:-1}" = 0 ] && echo 'BENCH_COMPOSE_V1=0' || echo 'not installed')" >>"$TSV"
    fi
    cd "$ROOT"
  done
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/load-end"
fi

# --- report --------------------------------------------------------------------------------------
ver_stackc=$(stackc_version "$STACKC")
ver_docker=$("$DOCKER" --version)
ver_v1=$([ -n "$(command -v docker-compose)" ] && docker-compose version --short 2>/dev/null || echo "not installed")

report() {
  cat <<EOF
# stackc benchmark results

Generated by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). See bench/README.md for how to read it.

- machine: $(machine)
- stackc: $ver_stackc (\`stackc config -f base -f prod -f override-2\`)
- docker: $ver_docker (\`docker stack config -c … -c … -c …\`, no daemon)
- docker-compose v1: $ver_v1 (\`docker-compose -f … config\`)
- baseline: ${BENCH_BASELINE:-none}${BENCH_BASELINE_NAME:+ ($BENCH_BASELINE_NAME)} (BENCH_BASELINE, BENCH_BASELINE_NAME: what it was built from)
- floor: libyaml $(pkg-config --modversion yaml-0.1) event parser over the three files (\`bench/floor.c\`)
- each figure: median of $RUNS runs after one warm-up; wall time by CLOCK_MONOTONIC, CPU time and peak RSS by wait4 (\`bench/measure.c\`)
- load average (1, 5, 15 min) at the start: $(cat "$WORK/load-start" 2>/dev/null || echo unknown); at the end: $(cat "$WORK/load-end" 2>/dev/null || echo unknown)

EOF
  awk -F'\t' '
    function fmt(x) { return sprintf(x < 100 ? "%.1f" : "%.0f", x) }
    function has(n, t, m) { return (m SUBSEP n SUBSEP t) in v }
    function val(n, t, m) { return v[m, n, t] }
    # a figure (ms, or MiB for kb), "(1 run)" when measured once, or n/a with the reason
    function cell(n, t, m,   x) {
      if (!has(n, t, m)) return note[n, t] != "" ? "n/a (" note[n, t] ")" : "n/a"
      x = m == "kb" ? sprintf("%.1f", val(n, t, m) / 1024) : fmt(val(n, t, m))
      return note[n, t] == "1 run" ? x " (1 run)" : x
    }
    function ratio(n, a, b, m) { return has(n, a, m) && has(n, b, m) ? sprintf("%.2f×", val(n, a, m) / val(n, b, m)) : "n/a" }
    function check(n, ok) { return has(n, "stackc", "ms") ? (ok ? "PASS" : "FAIL") : "n/a" }
    function figures(n, m) {
      return cell(n, "floor", m) " | " cell(n, "stackc", m) " | " cell(n, "docker", m) " | " cell(n, "v1", m) " | " \
        ratio(n, "stackc", "floor", m) " | " ratio(n, "docker", "stackc", m)
    }
    {
      if (!($1 in seen)) { seen[$1] = 1; order[++nn] = $1 }
      if ($2 == "input") { input[$1] = $4; next }
      if ($2 == "same") { same[$1] = $5; next }
      note[$1, $2] = $5
      if ($3 != "") { v["ms", $1, $2] = $3; v["kb", $1, $2] = $4; v["cpu", $1, $2] = $6 }
    }
    END {
      print "## Wall time (ms, median)\n"
      print "| N | input | floor | stackc | docker stack | compose v1 | stackc / floor | docker / stackc | same output as docker |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
      for (i = 1; i <= nn; i++) {
        n = order[i]
        printf "| %s | %.2f MiB | %s | %s |\n", n, input[n] / 1048576, figures(n, "ms"), (n in same) ? same[n] : "n/a"
      }
      print "\n## CPU time (user + system ms, median; unlike wall time, barely affected by other load)\n"
      print "| N | floor | stackc | docker stack | compose v1 | stackc / floor | docker / stackc | stackc ≤ 2× floor |"
      print "|---:|---:|---:|---:|---:|---:|---:|:---:|"
      for (i = 1; i <= nn; i++) {
        n = order[i]
        printf "| %s | %s | %s |\n", n, figures(n, "cpu"), check(n, val(n, "stackc", "cpu") <= 2 * val(n, "floor", "cpu"))
      }
      print "\n## Peak RSS (MiB, median)\n"
      print "| N | input | budget 5×input+8 MiB | floor | stackc | docker stack | compose v1 | stackc / floor | docker / stackc | stackc ≤ budget |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
      for (i = 1; i <= nn; i++) {
        n = order[i]; budget = 5 * input[n] / 1024 + 8192
        printf "| %s | %.2f | %.1f | %s | %s |\n", n, input[n] / 1048576, budget / 1024, figures(n, "kb"),
          check(n, val(n, "stackc", "kb") <= budget)
      }
      print "\n## As users run it: variables from .env, and validate (CPU ms, median)\n"
      print "stackc (.env) runs under `env -i PATH=… HOME=…`, so the project'"'"'s .env is what it reads; baseline: BENCH_BASELINE, measured in the same run.\n"
      print "| N | floor | stackc config (.env) | / floor | ≤ 2× floor | baseline config (.env) | stackc validate | baseline validate | validate / baseline |"
      print "|---:|---:|---:|---:|:---:|---:|---:|---:|---:|"
      for (i = 1; i <= nn; i++) {
        n = order[i]
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, cell(n, "floor", "cpu"), cell(n, "stackc-dotenv", "cpu"),
          ratio(n, "stackc-dotenv", "floor", "cpu"),
          has(n, "stackc-dotenv", "cpu") ? (val(n, "stackc-dotenv", "cpu") <= 2 * val(n, "floor", "cpu") ? "PASS" : "FAIL") : "n/a",
          cell(n, "base-dotenv", "cpu"), cell(n, "stackc-validate", "cpu"), cell(n, "base-validate", "cpu"),
          ratio(n, "stackc-validate", "base-validate", "cpu")
      }
      print "\n## Growth: CPU time per service (µs; in brackets the marginal cost of each service added since the previous N: flat = linear)\n"
      print "| N | floor | stackc | docker stack | compose v1 |"
      print "|---:|---:|---:|---:|---:|"
      split("floor stackc docker v1", ts, " ")
      for (i = 1; i <= nn; i++) {
        n = order[i]; p = i > 1 ? order[i - 1] : ""; line = "| " n
        for (j = 1; j <= 4; j++) {
          t = ts[j]
          if (!has(n, t, "cpu")) { line = line " | n/a"; continue }
          line = line " | " sprintf("%.0f", 1000 * val(n, t, "cpu") / n)
          if (p != "" && has(p, t, "cpu") && n > p)
            line = line sprintf(" (%.0f)", 1000 * (val(n, t, "cpu") - val(p, t, "cpu")) / (n - p))
        }
        print line " |"
      }
    }' "$TSV"
}

report >"$RESULTS"
cat "$RESULTS"
say "written to ${RESULTS#"$ROOT"/}"
