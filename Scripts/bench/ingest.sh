#!/usr/bin/env bash
# OTLP/HTTP ingest, fsync on: how many spans per second a release build acknowledges under `lumen load`.
# Each acknowledged request was fsynced in the write-ahead log (group commit) and is queryable.
# Usage: Scripts/bench/ingest.sh [seconds] [concurrency] [batch-size]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-20}
concurrency=${2:-8}
batch=${3:-50}

swift build -c release --product lumen >/dev/null
lumen=.build/release/lumen
data=$(mktemp -d)
port_otlp=24318
port_api=29470
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT

$lumen serve --data-dir "$data/store" --otlp-http 127.0.0.1:$port_otlp --api 127.0.0.1:$port_api --log-level warning \
    >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port_api/ready >/dev/null && break; sleep 0.1; done

echo "== lumen load --rate 0 (as fast as acknowledged) for ${seconds}s, concurrency $concurrency, $batch shop requests per POST"
$lumen load --endpoint http://127.0.0.1:$port_otlp --rate 0 --duration "${seconds}s" --concurrency "$concurrency" \
    --batch-size "$batch" --quiet

echo "== the store after the run (head counts; WAL records, fsyncs and group commits since start-up)"
curl -s http://127.0.0.1:$port_api/lumen/v1/status
echo
du -sh "$data/store/wal" | awk '{print "write-ahead log on disk: " $1}'
echo "== the disk's own fsync floor: 4 KiB writes, each followed by fdatasync (dd oflag=dsync), 2000 times"
dd if=/dev/zero of="$data/fsync-probe" bs=4k count=2000 oflag=dsync 2>&1 | tail -1
echo "machine: $(nproc) cores, $(uname -r); disk: $(df -h "$data" | awk 'NR==2 {print $1}')"
