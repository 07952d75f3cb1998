#!/usr/bin/env bash
# OTLP ingest, fsync on: spans and log records per second a release build acknowledges under `lumen load`,
# over HTTP and over gRPC, then the acknowledgement latency at half that rate. Every acknowledged request was
# fdatasynced in the write-ahead log (group commit) and is queryable.
# Usage: Scripts/bench/ingest.sh [seconds] [concurrency] [shop-requests-per-POST]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-20}
concurrency=${2:-16}
batch=${3:-20}

. Scripts/bench/common.sh
lumen=$(lumen_binary)
data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"' EXIT

$lumen serve --data-dir "$data/store" --otlp-http 127.0.0.1:24318 --otlp-grpc 127.0.0.1:24317 \
    --api 127.0.0.1:29470 --statsd off --syslog off --log-level warning >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:29470/ready >/dev/null && break; sleep 0.1; done

for endpoint in http://127.0.0.1:24318 grpc://127.0.0.1:24317; do
    echo "== $endpoint: lumen load --rate 0 (as fast as acknowledged) for ${seconds}s, concurrency $concurrency, $batch shop requests per request"
    out=$($lumen load --endpoint $endpoint --seed $RANDOM --rate 0 --duration "${seconds}s" \
        --concurrency "$concurrency" --batch-size "$batch" --quiet)
    echo "$out"
    rate=$(echo "$out" | sed -n 's/^done in \([0-9.]*\)s: \([0-9]*\) requests.*/\2 \1/p' | awk '{printf "%d", $1 / $2 / 2}')
    echo "== $endpoint at half that rate: $rate shop requests/s for ${seconds}s"
    $lumen load --endpoint $endpoint --seed $RANDOM --rate "$rate" --duration "${seconds}s" --concurrency "$concurrency" --quiet
done

echo "== the store after the runs (head counts; WAL records, fsyncs and group commits since start-up)"
curl -s http://127.0.0.1:29470/lumen/v1/status
echo
echo "== the disk's own fsync floor: 4 KiB writes, each followed by fdatasync (dd oflag=dsync), 2000 times"
dd if=/dev/zero of="$data/fsync-probe" bs=4k count=2000 oflag=dsync 2>&1 | tail -1
echo "machine: $(nproc) cores, $(uname -r)"
