#!/usr/bin/env bash
# Crash torture, the long run: Tests/Interop/test_torture.py with KILLS `kill -9`s (default 100) of a real
# `lumen serve` during ingest, head cuts, compaction and retention, then the ledger check (every acknowledged
# span, log record and sample readable exactly once). CI runs the same test with 10 kills.
#
# Usage: Scripts/torture.sh [kills] [seed]
#   LUMEN_BIN=path   the binary to torture (default: .build/debug/lumen, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${LUMEN_BIN:-}" ] || { swift build --product lumen >/dev/null; export LUMEN_BIN=$PWD/.build/debug/lumen; }
[ -x .venv/bin/python ] || Scripts/bootstrap.sh --test-peers
LUMEN_TORTURE_KILLS=${1:-100} LUMEN_TORTURE_SEED=${2:-17} \
    exec .venv/bin/python -m pytest -q -s -p no:cacheprovider Tests/Interop/test_torture.py
