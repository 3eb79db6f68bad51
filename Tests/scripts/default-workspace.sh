#!/usr/bin/env bash
# The repository root is the default workspace: `make demo`'s command, run from
# the root and from a folder below it, lists the example note's 20 links.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${DOSSIER:-.build/debug/dossier}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
passed=0; failed=0
check() { if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $*"; fi; }

out="$("$bin" links)"
check grep -q "20 citations of 20 URLs in 1 note" <<<"$out"
check grep -q "^  72:7 " <<<"$out"
count="$(cd corpus/notes && "$bin" links --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check test "$count" = 20
check test -f index/catalog.sqlite
status=0; "$bin" links --bogus 2>/dev/null || status=$?
check test "$status" = 2
echo "default-workspace: $passed passed, $failed failed"
[ "$failed" = 0 ]
