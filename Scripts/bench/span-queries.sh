#!/usr/bin/env bash
# Span searches and the service graph, side by side: 1M spans of the shop workload (as `lumen load` sends them) in
# 10 Lumen blocks queried through Storage and QueryEngine, and in chDB as Scripts/bench/spans.sh loads them;
# warm, every answer compared between the two (the structural search is timed in Lumen alone).
# Usage: Scripts/bench/span-queries.sh [spans]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
spans=${1:-1000000}
lumen=${LUMEN_BIN:-}
if [ -z "$lumen" ]; then
    swift build -c release --product lumen >/dev/null
    lumen=.build/release/lumen
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import chdb" 2>/dev/null || .venv/bin/pip install -q --disable-pip-version-check chdb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$lumen bench span-queries --spans "$spans" --blocks 10 --export "$work/spans.tsv" >"$work/lumen.json"
PYTHONPATH=Scripts/bench .venv/bin/python Scripts/bench/spans/chdb_span_queries.py "$work/spans.tsv" "$work/lumen.json"
