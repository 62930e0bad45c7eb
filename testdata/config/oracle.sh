#!/bin/bash
# Check golden cases against docker's own `docker stack config` (the oracle).
# A case with a file `oracle` holds docker's arguments (one line of shell
# words, e.g. `-c a.yml -c b.yml`); docker runs in the case directory with
# the case's env (or `oracle.env` instead, since docker reads no .env) and
# stdin. Expected: docker's stdout equals expect.stdout byte for byte, and
# docker fails exactly when the case expects stackc to fail.
# Usage: testdata/config/oracle.sh [case...]   (DOCKER=/path/to/docker)
set -u
cd "$(dirname "$0")"
docker=${DOCKER:-/usr/local/bin/docker}
[ -x "$docker" ] || { echo "oracle: skipped (no $docker)"; exit 0; }
pass=0 fail=0
cases=("$@")
[ ${#cases[@]} = 0 ] && cases=($(ls -d */ | tr -d /))
for c in "${cases[@]}"; do
	c=${c%/}
	[ -f "$c/oracle" ] || continue
	abs=$(cd "$c" && pwd)
	envv=(PATH=/usr/bin:/bin HOME=/home/user)
	ef=$c/env; [ -f "$c/oracle.env" ] && ef=$c/oracle.env
	if [ -f "$ef" ]; then
		while IFS= read -r l || [ -n "$l" ]; do [ -n "$l" ] && envv+=("$l"); done <"$ef"
	fi
	in=/dev/null; [ -f "$c/stdin" ] && in="$abs/stdin"
	args=$(head -1 "$c/oracle")
	out=$(mktemp)
	(cd "$c" && eval "exec env -i \"\${envv[@]}\" \"\$docker\" stack config $args" <"$in" >"$out" 2>/dev/null)
	rc=$?
	exp_rc=$(cat "$c/expect.rc" 2>/dev/null || echo 0)
	ok=1
	if [ "$exp_rc" = 0 ]; then
		[ "$rc" = 0 ] || { echo "FAIL $c: docker exit $rc"; ok=0; }
		if [ $ok = 1 ] && ! diff -u <(sed "s|@CASEDIR@|$abs|g" "$c/expect.stdout") "$out" >/tmp/oracle.diff.$$; then
			echo "FAIL $c: docker's stdout differs"; head -20 /tmp/oracle.diff.$$
			ok=0
		fi
	else
		[ "$rc" != 0 ] || { echo "FAIL $c: docker succeeded, expected a failure"; ok=0; }
	fi
	rm -f "$out" /tmp/oracle.diff.$$
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "oracle: $pass passed, $fail failed"
[ $fail = 0 ]
