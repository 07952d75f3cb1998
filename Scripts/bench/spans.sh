#!/usr/bin/env bash
# Spans, side by side: 1M spans of the shop workload (as `lumen load` sends them) in 10 Lumen blocks against a
# chDB MergeTree table of the same columns with CODEC(ZSTD(3)); trace-by-ID latency across the 10 blocks;
# span decode throughput per core (spans per CPU second; pages decode on every core at once).
# Usage: Scripts/bench/spans.sh [spans]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
spans=${1:-1000000}
. Scripts/bench/common.sh
lumen_bench=$(lumen_bench_binary)
chdb_venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

lumen_json=$($lumen_bench span-block --spans "$spans" --blocks 10 --export "$work/spans.tsv")
.venv/bin/python - "$work/spans.tsv" "$lumen_json" <<'PY'
import json, sys
sys.path.insert(0, "Scripts/bench/spans")
from chdb_spans import load
path, lumen = sys.argv[1], json.loads(sys.argv[2])
_, rows, size = load(path)
assert rows == lumen["spans"], f"chDB holds {rows} spans, Lumen {lumen['spans']}"
print(f"spans {lumen['spans']} ({lumen['traces']} traces) in {lumen['blocks']} blocks")
print(f"bytes/span   lumen {lumen['bytes_per_span']:.2f}   chdb ZSTD(3) {size / rows:.2f}   ratio {lumen['bytes_per_span'] / (size / rows):.3f}")
columns = sorted(lumen["column_bytes_per_span"].items(), key=lambda item: -item[1])
print("bytes/span by column, each compressed alone (first block):",
      ", ".join(f"{name} {size:.2f}" for name, size in columns))
print(f"trace by ID across {lumen['blocks']} blocks: p50 {lumen['lookup_p50_ms']:.3f} ms, p99 {lumen['lookup_p99_ms']:.3f} ms")
print(f"decode {lumen['decode_spans_per_cpu_second']:,.0f} spans per CPU second (per core); block write {lumen['write_seconds']:.1f} s")
PY
