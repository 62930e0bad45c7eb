#!/bin/bash
# The test runner behind `make check`. Stages: layers (scripts/check-layers.sh),
# unit (with fuzz seed replay), golden, docs (the manual against --help), cli
# (-o file modes, shell completion), asan-unit and asan-golden (ASan+UBSan
# build), valgrind (golden cases under valgrind), conformance, differential,
# precommit, e2e. Each stage prints its own results and a line
# "<stage>: N passed, N failed[, N skipped]"; this script adds them up and
# prints the total as its last line. Usage: tests/run.sh [stage...]
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
stages=${*:-layers unit golden docs cli asan-unit asan-golden valgrind conformance differential precommit e2e}
tp=0 tf=0 ts=0
status=0
for st in $stages; do
	case $st in
	layers) cmd=(scripts/check-layers.sh) ;;
	unit) cmd=("$BUILD/stackc-test") ;;
	golden) cmd=(tests/golden.sh) ;;
	docs) cmd=(tests/docs.sh) ;;
	cli) cmd=(tests/cli.sh) ;;
	asan-unit) cmd=(env STACKC_STAGE=$st ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/stackc-test) ;;
	asan-golden) cmd=(env STACKC_STAGE=$st BUILD=build/asan ASAN_OPTIONS=detect_leaks=1 tests/golden.sh) ;;
	valgrind) cmd=(env STACKC_STAGE=$st VALGRIND=1 tests/golden.sh) ;;
	precommit) cmd=(tests/precommit.sh) ;;
	conformance) cmd=(python3 tests/conformance.py) ;;
	differential) cmd=(python3 tests/differential.py) ;;
	e2e) cmd=(tests/e2e/run.sh) ;;
	*) echo "unknown stage $st" >&2; exit 2 ;;
	esac
	exe=${cmd[0]}
	[ "$exe" = env ] && for w in "${cmd[@]}"; do case $w in *=*|env) ;; *) exe=$w; break ;; esac; done
	if [ "${cmd[0]}" != python3 ] && [ ! -x "$exe" ]; then
		echo "$st: skipped (no $exe)"; continue
	fi
	if [ "${cmd[0]}" = python3 ] && [ ! -f "${cmd[1]}" ]; then
		echo "$st: skipped (no ${cmd[1]})"; continue
	fi
	out=$(mktemp)
	"${cmd[@]}" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "$st: stage printed no summary (exit $rc)"; tf=$((tf + 1)); status=1; continue
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + ${s:-0}))
	[ "$rc" != 0 ] && [ "$f" = 0 ] && { echo "$st: exited $rc"; tf=$((tf + 1)); }
	[ "$rc" != 0 ] && status=1
done
[ "$tf" != 0 ] && status=1
echo "$tp passed, $tf failed, $ts skipped"
exit $status
