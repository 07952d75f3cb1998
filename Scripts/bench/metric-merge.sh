#!/usr/bin/env bash
# Memory of a metric compaction: BLOCKS metric blocks of SERIES series × SAMPLES samples are merged the old way
# (every source decoded whole, then written again) and the streamed way compaction uses (BlockMerge, MetricPartMerge),
# each in a process of its own; prints one JSON line per step with its seconds and peak resident memory
# (ru_maxrss). Two layouts: `interleaved` (all blocks cover the same range, a second apart: every chunk overlaps
# another, so the streamed merge decodes and re-encodes everything) and `adjacent` (one range after another: it
# copies every chunk).
#
# Usage: Scripts/bench/metric-merge.sh [blocks] [series] [samples]
#   LUMEN_BENCH_BIN=path  reuse a release lumen-bench (default: a fresh release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. Scripts/bench/common.sh

blocks=${1:-4}
series=${2:-20000}
samples=${3:-720}
bench=$(lumen_bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for layout in interleaved adjacent; do
    echo "# $layout: $blocks blocks × $series series × $samples samples"
    rm -rf "$work/$layout"
    $bench metric-merge generate "$work/$layout" --blocks "$blocks" --series "$series" --samples "$samples" \
        --layout "$layout"
    printf '{"blocks_mb":%s}\n' "$(du -sm "$work/$layout/blocks" | cut -f1)"
    $bench metric-merge whole "$work/$layout"
    $bench metric-merge streamed "$work/$layout"
    rm -rf "$work/$layout"
done
