#!/bin/bash
# The manual (stackc.1) renders without a warning and names every command of
# `stackc help` and every long option of every command's --help, so the two
# cannot drift apart. Prints "docs: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/stackc
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL docs: $*"; fail=$((fail + 1)); }
if ! command -v groff >/dev/null; then
	echo "docs: skipped (no groff)"; echo "docs: 0 passed, 0 failed, 1 skipped"; exit 0
fi
warnings=$(groff -man -ww -z stackc.1 2>&1)
[ -z "$warnings" ] && ok || bad "groff warns: $warnings"
page=$(groff -man -Tutf8 stackc.1 2>/dev/null | sed 's/\x08.//g; s/\x1b\[[0-9;]*m//g')
[ -n "$page" ] && ok || bad "stackc.1 renders empty"
cmds=$("$bin" help 2>&1 | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}')
[ -n "$cmds" ] && ok || bad "stackc help lists no command"
for c in $cmds; do
	grep -q "^.B $c\$" stackc.1 && ok || bad "command $c is not in stackc.1"
	for o in $("$bin" "$c" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qF -- "${o//-/\\-}" stackc.1 && ok || bad "$c $o is not in stackc.1"
	done
done
echo "docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
