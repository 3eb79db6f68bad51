#!/usr/bin/env bash
# docs/ARCHITECTURE.md's import graph must be the true one: for every
# module under Sources/, the Dossier modules (and C system-library targets)
# it imports are exactly those its row of the diagram lists.
set -euo pipefail
cd "$(dirname "$0")/../.."
modules=$(for d in Sources/*/; do basename "$d"; done)
failed=0
for m in $modules; do
  files=$(find "Sources/$m" -name '*.swift')
  [ -n "$files" ] || continue   # system-library targets
  actual=$( { grep -h -E '^(@testable |public )?import ' $files || true; } | awk '{print $NF}' | sort -u |
           while read -r i; do if [ -d "Sources/$i" ]; then echo "$i"; fi; done | sort -u | tr '\n' ' ')
  row=$(grep -E "^$m ─+▶ " docs/ARCHITECTURE.md || true)
  if [ -z "$row" ]; then echo "architecture: no row for $m in docs/ARCHITECTURE.md"; failed=1; continue; fi
  listed=$(echo "$row" | sed -E 's/^[^▶]*▶ //; s/\(none\)//; s/[][,]/ /g' | tr ' ' '\n' | { grep -v '^$' || true; } | sort -u | tr '\n' ' ')
  if [ "$actual" != "$listed" ]; then
    echo "architecture: $m imports [$actual] but docs/ARCHITECTURE.md lists [$listed]"
    failed=1
  fi
done
[ $failed = 0 ] && echo "architecture: the documented import graph is the true one"
exit $failed
