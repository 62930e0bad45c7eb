#!/bin/bash
# What the golden cases cannot pin, since they compare only stdout, stderr and
# the exit status: the mode of the file `config -o` writes, that the --format
# json outputs parse as JSON, and the shell completion scripts
# (contrib/completion) sourced into a real bash.
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

# ---- config --output-dir: content:/environment: sources as files, -o names them ----
mkdir "$tmp/objs"
printf 'name: demo\nservices:\n  web:\n    image: nginx\n    configs: [c]\n    secrets: [s]\nconfigs:\n  c:\n    content: "hello\\n"\nsecrets:\n  s:\n    environment: PW\n' >"$tmp/objs/compose.yaml"
(cd "$tmp/objs" && umask 022 && PW=hunter2 "$bin" config --output-dir out -o stack.yml 2>"$tmp/objs/err")
expect "--output-dir config file" hello "$(cat "$tmp/objs/out/configs/c")"
expect "--output-dir secret file" hunter2 "$(cat "$tmp/objs/out/secrets/s")"
expect "--output-dir config mode" 644 "$(stat -c %a "$tmp/objs/out/configs/c")"
expect "--output-dir secret mode 0600" 600 "$(stat -c %a "$tmp/objs/out/secrets/s")"
expect "-o file: names the secret file" "    file: $tmp/objs/out/secrets/s" "$(grep -F "out/secrets/s" "$tmp/objs/stack.yml")"
expect "the secret's value is in no output" "" "$(grep -l hunter2 "$tmp/objs/stack.yml" "$tmp/objs/err")"

# ---- --format json: the golden outputs parse as JSON (listings: one object a line) ----
if command -v python3 >/dev/null; then
	for f in testdata/engine/*-format-json/expect.stdout; do
		python3 -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(isinstance(r, dict) for r in rows)' "$f" && ok || bad "$f: not one JSON object per line"
	done
	for f in testdata/config/output-list-*-json/expect.stdout; do
		python3 -c 'import json, sys
assert isinstance(json.load(open(sys.argv[1])), list)' "$f" && ok || bad "$f: not a JSON array"
	done
fi

# ---- bash completion: sourced into bash, driven as bash drives it ----
# complete_in LINE: the candidates bash would offer with the cursor at the end
# of LINE. COMP_WORDS is split as readline splits it (at blanks, and '=' is a
# word of its own).
complete_in() {
	PATH=$(dirname "$bin"):$PATH bash -c '
		source "$2"
		COMP_LINE=$1 COMP_POINT=${#1}
		read -r -a COMP_WORDS <<<"${1//=/ = }"
		[[ $1 == *[\ =] ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_stackc
		printf "%s\n" "${COMPREPLY[@]}"' bash "$1" "$root/contrib/completion/stackc.bash" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect "complete -p stackc" "complete -F _stackc stackc" \
	"$(bash -c 'source contrib/completion/stackc.bash && complete -p stackc')"
expect "stackc de<TAB>" "deploy" "$(complete_in 'stackc de')"
expect "stackc d<TAB>" "deploy diff" "$(complete_in 'stackc d')"
# every long option of deploy --help, no more: the candidates come from its table
want=$("$bin" deploy --help | grep -oE -- '^  (-[a-zA-Z], )? *--[a-z][a-z-]+' | grep -oE -- '--[a-z][a-z-]+' | sort -u | tr '\n' ' ' | sed 's/ $//')
expect "stackc deploy --<TAB>" "$want" "$(complete_in 'stackc deploy --')"
expect "stackc deploy --resolve-image=ch<TAB>" "changed" "$(complete_in 'stackc deploy --resolve-image=ch')"
expect "stackc diff --format <TAB>" "json text" "$(complete_in 'stackc diff --format ')"
expect "stackc help se<TAB>" "services" "$(complete_in 'stackc help se')"
mkdir -p "$tmp/files/sub"
: >"$tmp/files/stack.yml"
expect "stackc config -f <TAB> (file names)" "stack.yml sub" "$(cd "$tmp/files" && complete_in 'stackc config -f s')"
expect "stackc config --env-file=<TAB> (file names)" "stack.yml sub" \
	"$(cd "$tmp/files" && complete_in 'stackc config --env-file=s')"
expect "stackc deploy <TAB> without an Engine" "" \
	"$(complete_in 'stackc deploy -H unix:///nonexistent/docker.sock ')"
if command -v zsh >/dev/null; then
	zsh -n contrib/completion/_stackc && ok || bad "zsh -n contrib/completion/_stackc"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
