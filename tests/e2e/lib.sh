# Helpers for e2e cases: `. "$E2E_DIR/lib.sh"` at the top of a case.
# A case runs with `set -eu`, in a fresh working directory, and exits 0 (pass),
# 77 (skip; its last output line says why) or anything else (fail).
set -eu

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
docker() { "$DOCKER" "$@"; }
stackc() { "$STACKC" "$@"; }

# expect_same LABEL FILE1 FILE2: identical files, or a diff and failure.
expect_same() {
	diff -u "$2" "$3" >&2 || fail "$1: outputs differ (above: - $2, + $3)"
}

# wait_until SECONDS CMD...: poll CMD every 0.2s until it succeeds.
wait_until() {
	local limit=$1 t=0; shift
	until "$@" >/dev/null 2>&1; do
		t=$((t + 1)); [ $t -ge $((limit * 5)) ] && fail "timed out after ${limit}s waiting for: $*"
		sleep 0.2
	done
}

# The local image every node has (no registry is reachable from the lab).
IMAGE=stackc-lab/busybox:1

# need_pkg PROGRAM PACKAGE: install the Debian PACKAGE when PROGRAM (a name on PATH or an
# absolute path) is missing, without starting the services it brings (policy-rc.d);
# skip the case, saying why, when it cannot be installed.
need_pkg() {
	command -v "$1" >/dev/null 2>&1 && return 0
	command -v apt-get >/dev/null || skip "$1 is missing and there is no apt-get to install $2"
	local policy=/usr/sbin/policy-rc.d made=""
	if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; made=1; fi
	echo "installing $2" >&2
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; }; } >apt-"$2".log 2>&1
	[ -n "$made" ] && rm -f "$policy"
	command -v "$1" >/dev/null 2>&1 || skip "could not install $2: $(tail -1 apt-"$2".log)"
}
