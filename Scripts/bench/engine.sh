#!/usr/bin/env bash
# The engine's benchmarks in one run, each against its peer on this machine: metric size against Prometheus
# (metrics-size.sh), log size and search against zstd -19, chDB and grep (logs.sh), span size, lookup and decode
# against chDB (spans.sh). Prints every figure next to its target at the end.
# Usage: Scripts/bench/engine.sh      LUMEN_BIN=path reuses a release binary; MINUTES=n scrapes n minutes (10)
set -euo pipefail
cd "$(dirname "$0")/../.."
. Scripts/bench/common.sh
LUMEN_BIN=$(lumen_binary)
export LUMEN_BIN
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for bench in metrics-size logs spans; do
    echo "=== Scripts/bench/$bench.sh"
    Scripts/bench/$bench.sh 2>&1 | tee "$out/$bench.txt"
done

echo
echo "=== the engine against its targets (ratios are Lumen ÷ peer)"
awk '/^ratio lumen\/prometheus/ {
    printf "metric bytes/sample, index included, ÷ Prometheus: %s (target ≤ 0.5)\n", $6 }' \
    "$out/metrics-size.txt"
# The search target is set for the million lines; the real set is a few thousand, where a count takes ~2 ms.
awk '$1 == "real" || $1 == "synthetic" {
    printf "log size, %s: ÷ zstd -19 %s (≤ 1.0), ÷ chDB %s (≤ 0.7); count of a word: ÷ chDB %s, ÷ grep %s%s\n",
        $1, $7, $8, $13, $14, ($1 == "synthetic" ? " (≤ 0.5)" : "") }' "$out/logs.txt"
awk '/^bytes\/span +lumen/ { printf "span bytes ÷ chDB: %s (target ≤ 0.5)\n", $NF }
    /^trace by ID/ { printf "trace by ID p99: %s ms (target ≤ 5 ms)\n", $(NF - 1) }
    /^decode/ { printf "span decode per core: %s spans per CPU second\n", $2 }' "$out/spans.txt"
