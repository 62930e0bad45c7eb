#!/bin/bash
# Golden cases: every directory under testdata/ holding a `cmd` file.
#   cmd            the stackc arguments (shell words; one line)
#   env            optional KEY=VALUE lines: the only environment the case sees
#                  (plus PATH and HOME=/home/user)
#   stdin          optional: fed to standard input
#   stdout.to      optional: a path standard output goes to instead (e.g. /dev/full);
#                  what the case printed there is not compared (expect.stdout stays empty)
#   expect.stdout, expect.stderr, expect.rc   exact expectations
# The case directory is the working directory; @CASEDIR@ in expectations
# stands for its absolute path. STACKC_UPDATE_GOLDEN=1 rewrites expectations.
# VALGRIND=1 runs each case under valgrind and fails on leaks or errors.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$(cd "$BUILD" && pwd)/stackc
pass=0 fail=0
vg=()
[ -n "${VALGRIND:-}" ] && vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
while IFS= read -r cmdfile; do
	dir=$(dirname "$cmdfile")
	abs=$(cd "$dir" && pwd)
	name=${dir#testdata/}
	envv=(PATH=/usr/bin:/bin HOME=/home/user)
	if [ -f "$dir/env" ]; then
		while IFS= read -r l || [ -n "$l" ]; do [ -n "$l" ] && envv+=("$l"); done <"$dir/env"
	fi
	args=$(head -1 "$cmdfile")
	in=/dev/null; [ -f "$dir/stdin" ] && in="$abs/stdin"
	out=$(mktemp) err=$(mktemp)
	to=$out; [ -f "$dir/stdout.to" ] && to=$(head -1 "$dir/stdout.to")
	(cd "$dir" && eval "exec env -i \"\${envv[@]}\" \"\${vg[@]}\" \"\$bin\" $args" <"$in" >"$to" 2>"$err")
	rc=$?
	if [ -n "${STACKC_UPDATE_GOLDEN:-}" ]; then
		sed "s|$abs|@CASEDIR@|g" "$out" >"$dir/expect.stdout"
		sed "s|$abs|@CASEDIR@|g" "$err" >"$dir/expect.stderr"
		echo "$rc" >"$dir/expect.rc"
	fi
	ok=1
	exp_rc=$(cat "$dir/expect.rc" 2>/dev/null || echo 0)
	[ "$rc" = "$exp_rc" ] || { echo "FAIL $name: exit $rc, expected $exp_rc"; ok=0; }
	for s in stdout stderr; do
		f=$out; [ $s = stderr ] && f=$err
		if ! diff -u <(sed "s|@CASEDIR@|$abs|g" "$dir/expect.$s" 2>/dev/null) "$f" >/tmp/golden.diff.$$; then
			echo "FAIL $name: $s differs"; head -30 /tmp/golden.diff.$$; ok=0
		fi
	done
	rm -f "$out" "$err" /tmp/golden.diff.$$
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < <(find testdata -name cmd -type f | sort)
echo "${STACKC_STAGE:-golden}: $pass passed, $fail failed"
[ $fail = 0 ]
