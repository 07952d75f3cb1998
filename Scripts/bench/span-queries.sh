#!/usr/bin/env bash
# Span searches and the service graph, side by side: 1M spans of the shop workload (as `lumen load` sends them) in
# 10 Lumen blocks queried through Storage and QueryEngine, and in chDB as Scripts/bench/spans.sh loads them;
# warm, every answer compared between the two (the structural search is timed in Lumen alone).
# Usage: Scripts/bench/span-queries.sh [spans]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
spans=${1:-1000000}
. Scripts/bench/common.sh
lumen_bench=$(lumen_bench_binary)
chdb_venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$lumen_bench span-queries --spans "$spans" --blocks 10 --export "$work/spans.tsv" >"$work/lumen.json"
PYTHONPATH=Scripts/bench .venv/bin/python Scripts/bench/spans/chdb_span_queries.py "$work/spans.tsv" "$work/lumen.json"
