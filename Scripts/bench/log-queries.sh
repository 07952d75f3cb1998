#!/usr/bin/env bash
# Log search and log metrics, side by side: 1M seeded synthetic lines (Scripts/bench/logs/synthetic.py) stored as
# a service sends them — in a Lumen block queried through Storage and QueryEngine, and parsed into chDB columns
# (OTel logs schema, CODEC(ZSTD(3))) — a search, two counts and three per-minute range queries, warm, every
# answer compared between the two.
# Usage: Scripts/bench/log-queries.sh [lines]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-1000000}
. Scripts/bench/common.sh
lumen_bench=$(lumen_bench_binary)
chdb_venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

.venv/bin/python Scripts/bench/logs/synthetic.py "$lines" "$work/synthetic.log"
$lumen_bench log-queries "$work/synthetic.log" >"$work/lumen.json"
PYTHONPATH=Scripts/bench .venv/bin/python Scripts/bench/logs/chdb_log_queries.py "$work/synthetic.log" "$work/lumen.json"
