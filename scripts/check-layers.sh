#!/bin/sh
# The layering rule: compose/ is the base and includes no other folder;
# merge/ and schemas/ include only compose/; emit/ only compose/ and merge/;
# swarm/ only compose/, emit/ and schemas/. cli/ may include anything.
set -u
cd "$(dirname "$0")/.."
bad=0
check() { # dir allowed-regex
	hits=$(grep -n '#include "[a-z]*/' "$1"/*.[ch] 2>/dev/null | grep -vE "#include \"($2)/" || true)
	if [ -n "$hits" ]; then echo "layering: $1/ includes outside ($2):"; echo "$hits"; bad=1; fi
}
check compose 'compose'
check merge 'compose|merge'
check schemas 'compose|schemas'
check emit 'compose|merge|emit'
check swarm 'compose|emit|schemas|swarm'
[ $bad = 0 ] && echo "layering: ok"
exit $bad
