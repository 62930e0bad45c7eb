#!/bin/sh
# The layering rule (README "Layout"): each folder includes only itself and
# the folders below it in the pipeline.
#   base/                plumbing: nothing else
#   compose/             base
#   merge/               base, compose
#   check/               base, compose, schemas (the compiled schema tables)
#   emit/                base, compose
#   swarm/               base, compose, emit, check
#   project/             base, compose, merge, check
#   cli/                 anything
# Within compose/, the .env parser uses interpolation, never the reverse.
set -u
cd "$(dirname "$0")/.."
bad=0
check() { # dir allowed-regex
	hits=$(grep -n '#include "[a-z]*/' "$1"/*.[ch] 2>/dev/null | grep -vE "#include \"($2)/" || true)
	if [ -n "$hits" ]; then echo "layering: $1/ includes outside ($2):"; echo "$hits"; bad=1; fi
}
check base 'base'
check compose 'base|compose'
check merge 'base|compose|merge'
check check 'base|compose|schemas|check'
check emit 'base|compose|emit'
check swarm 'base|compose|emit|check|swarm'
check project 'base|compose|merge|check|project'
hits=$(grep -n '#include "compose/dotenv.h"' compose/interp.[ch] compose/vars.[ch] || true)
if [ -n "$hits" ]; then echo "layering: interpolation must not include the .env parser:"; echo "$hits"; bad=1; fi
[ $bad = 0 ] && echo "layering: ok"
echo "layers: $((1 - bad)) passed, $bad failed"
exit $bad
