#!/bin/sh
# Make sure the build dependencies are present. As root on Debian, install the
# missing ones; otherwise name them and fail, so the user knows what to do.
set -eu
pkgs="gcc make pkg-config libyaml-dev libjansson-dev libcurl4-openssl-dev libpcre2-dev libssl-dev"
[ "${1:-}" = "--test" ] && pkgs="$pkgs valgrind openssl python3 python3-yaml pre-commit"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# apt and debconf talk on stderr too: shown only when the install fails
	log=$(mktemp)
	if ! { apt-get update -qq && apt-get install -y -qq $missing; } >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "deps: could not install$missing" >&2
		exit 1
	fi
	rm -f "$log"
	exit 0
fi
echo "deps: missing packages:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
