#!/usr/bin/env bash
# `dossier mcp` against another SDK's client: the Python MCP SDK (from PyPI,
# in a virtual environment under .build/, as the bench installs tantivy)
# validates each tool's structured content against its output schema. The
# workspace holds two real reports from ../shared/corpus-real and the
# example note.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${DOSSIER:-.build/debug/dossier}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
shared="../shared/corpus-real"
venv=".build/mcp-venv"
if ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "mcp==1.26.0"
fi
workspace="$(mktemp -d)"
trap 'rm -rf "$workspace"' EXIT
"$bin" init "$workspace" >/dev/null
cp corpus/notes/iccwc-annual-report-2024.md "$workspace/corpus/notes/"
cp "$shared/EU-Wildlife-Trade-Reference-Guide.pdf" "$shared/SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf" "$workspace/corpus/library/"
"$bin" index --workspace "$workspace" >/dev/null
"$venv/bin/python" Tests/scripts/mcp_client.py "$bin" "$workspace"
