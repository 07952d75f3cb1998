#!/usr/bin/env bash
# Spans, side by side: 1M spans of the shop workload (as `lumen load` sends them) in 10 Lumen blocks against a
# chDB MergeTree table of the same columns with CODEC(ZSTD(3)); trace-by-ID latency across the 10 blocks;
# span decode throughput on one core.
# Usage: Scripts/bench/spans.sh [spans]      LUMEN_BIN=path reuses a release binary
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

lumen_json=$($lumen bench span-block --spans "$spans" --blocks 10 --export "$work/spans.tsv")
.venv/bin/python - "$work/spans.tsv" "$lumen_json" <<'PY'
import json, sys
import chdb.session
path, lumen = sys.argv[1], json.loads(sys.argv[2])
session = chdb.session.Session()
session.query("CREATE DATABASE IF NOT EXISTS bench")
session.query("DROP TABLE IF EXISTS bench.spans")
columns = ("trace_id String, span_id String, parent_span_id String, service String, name String, kind UInt8, "
           "status UInt8, start_ns Int64, duration_ns Int64, attributes String")
coded = ", ".join(f"{c} CODEC(ZSTD(3))" for c in columns.split(", "))
session.query(f"CREATE TABLE bench.spans ({coded}) ENGINE = MergeTree ORDER BY (trace_id, start_ns)")
session.query(f"INSERT INTO bench.spans SELECT * FROM file('{path}', 'TSV', '{columns}')")
session.query("OPTIMIZE TABLE bench.spans FINAL")
size = int(session.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND table = 'spans' "
                         "AND active", "CSV").bytes().decode().strip())
rows = int(session.query("SELECT count() FROM bench.spans", "CSV").bytes().decode().strip())
assert rows == lumen["spans"], f"chDB holds {rows} spans, Lumen {lumen['spans']}"
print(f"spans {lumen['spans']} ({lumen['traces']} traces) in {lumen['blocks']} blocks")
print(f"bytes/span   lumen {lumen['bytes_per_span']:.2f}   chdb ZSTD(3) {size / rows:.2f}   ratio {lumen['bytes_per_span'] / (size / rows):.3f}")
columns = sorted(lumen["column_bytes_per_span"].items(), key=lambda item: -item[1])
print("bytes/span by column, each compressed alone (first block):",
      ", ".join(f"{name} {size:.2f}" for name, size in columns))
print(f"trace by ID across {lumen['blocks']} blocks: p50 {lumen['lookup_p50_ms']:.3f} ms, p99 {lumen['lookup_p99_ms']:.3f} ms")
print(f"decode {lumen['decode_spans_per_second']:,.0f} spans/s on one core; block write {lumen['write_seconds']:.1f} s")
PY
