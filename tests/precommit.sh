#!/bin/bash
# The pre-commit hook end to end: a throwaway git repository uses the hook
# defined in .pre-commit-hooks.yaml (as a `repo: local` hook whose entry is
# the built binary), then commits a valid stack file (must pass), an invalid
# one (must fail, showing file:line:col), an unrelated YAML file (the hook
# must not run), a CloudFormation cfn/app-stack.yaml (matched by *stack*, but
# skipped: no top-level services), and a prod override whose ${VAR:?} lives in
# an uncommitted .env (fails; passes with args: [--required-as-warnings]).
# Prints "precommit: N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
root=$(pwd)
bin=$(cd "$BUILD" 2>/dev/null && pwd)/stackc

if ! command -v pre-commit >/dev/null 2>&1; then
	echo "precommit: pre-commit is not installed"
	echo "precommit: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "precommit: no $BUILD/stackc (build it first)"
	echo "precommit: 0 passed, 1 failed"
	exit 1
fi

pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -20; fail=$((fail + 1)); }
# refused NAME PATTERN: the staged change must fail the hook, showing PATTERN
refused() {
	if git commit -q -m change >"$tmp/out" 2>&1; then
		bad "$1" "$tmp/out"
	elif grep -q -- "$2" "$tmp/out"; then
		ok "$1"
	else
		bad "$1" "$tmp/out"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME=$tmp/cache HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME" "$tmp/repo"
cd "$tmp/repo" || exit 1
git init -q .
git config user.email test@example.invalid
git config user.name test
git config commit.gpgsign false

# the hook as published, pointed at this build
files_re=$(sed -n 's/^ *files: *//p' "$root/.pre-commit-hooks.yaml")
entry=$(sed -n 's/^ *entry: *stackc //p' "$root/.pre-commit-hooks.yaml")
hook_config() { # the hook's args
	cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: local
    hooks:
      - id: stackc-validate
        name: stackc validate
        entry: $bin $entry
        language: system
        files: '$files_re'
        args: [$1]
EOF
}
hook_config ""
git add .pre-commit-config.yaml
git commit -q -m config || { echo "precommit: cannot commit in a temp repository"; exit 1; }
if pre-commit install >"$tmp/out" 2>&1; then ok "pre-commit install"; else bad "pre-commit install" "$tmp/out"; fi

cat >docker-compose.yml <<'EOF'
version: "3.8"
services:
  web:
    image: nginx:1.25
    ports: ["80:80"]
    deploy:
      replicas: 2
EOF
git add docker-compose.yml
if git commit -q -m good >"$tmp/out" 2>&1; then ok "valid file commits"; else bad "valid file commits" "$tmp/out"; fi

mkdir -p deploy
cat >deploy/stack.yml <<'EOF'
services:
  web:
    image: nginx
    deploy:
      replicas: "3"
EOF
git add deploy/stack.yml
refused "invalid file is refused at file:line:col" \
	'deploy/stack.yml:5:17: error: services.web.deploy.replicas: expected integer'
git reset -q

printf 'not: [a, compose, file\n' >settings.yml
git add settings.yml
if git commit -q -m other >"$tmp/out" 2>&1; then ok "other YAML files are not checked"; else bad "other YAML files are not checked" "$tmp/out"; fi

mkdir -p cfn
cat >cfn/app-stack.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
EOF
git add cfn/app-stack.yaml
if git commit -q -m cfn >"$tmp/out" 2>&1; then ok "a CloudFormation *stack*.yaml is skipped"; else bad "a CloudFormation *stack*.yaml is skipped" "$tmp/out"; fi

cat >docker-compose.prod.yml <<'EOF'
services:
  web:
    environment:
      DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}
EOF
git add docker-compose.prod.yml
refused "a missing required variable fails the hook" \
	'docker-compose.prod.yml:4:20: error: .*required variable DB_PASSWORD'
hook_config --required-as-warnings
git add .pre-commit-config.yaml docker-compose.prod.yml
if git commit -q -m prod >"$tmp/out" 2>&1; then
	ok "args: [--required-as-warnings] lets it through"
else
	bad "args: [--required-as-warnings] lets it through" "$tmp/out"
fi

echo "precommit: $pass passed, $fail failed"
[ "$fail" = 0 ]
