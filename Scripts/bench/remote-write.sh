#!/usr/bin/env bash
# Prometheus remote write, side by side: the same client (`lumen remote-write`) sends the same prebuilt
# batches to Lumen (release, fsync before every acknowledgement) and to Prometheus 2.42's own receiver
# (--web.enable-remote-write-receiver), at 1,000 and 10,000 samples per request.
# Usage: Scripts/bench/remote-write.sh [requests-at-1000] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/../.."

requests=${1:-2000}
concurrency=${2:-4}
command -v prometheus >/dev/null || Scripts/bootstrap.sh --test-peers
. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
trap 'kill $lumen_pid $prometheus_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

$lumen serve --data-dir "$work/lumen" --otlp-http 127.0.0.1:24318 --api 127.0.0.1:29470 --statsd off --syslog off \
    --log-level warning >"$work/lumen.log" 2>&1 &
lumen_pid=$!
printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address=127.0.0.1:29090 --web.enable-remote-write-receiver >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 100); do
    curl -sf http://127.0.0.1:29470/ready >/dev/null && curl -sf http://127.0.0.1:29090/-/ready >/dev/null && break
    sleep 0.2
done

for samples in 1000 10000; do
    count=$((requests * 1000 / samples))
    echo "== $samples samples per request, $count requests, 1000 series, concurrency $concurrency"
    # Each receiver gets its own fresh series names' timeline; Prometheus first, then Lumen, then both again.
    for round in 1 2; do
        $lumen bench remote-write --url http://127.0.0.1:29090/api/v1/write --samples-per-request $samples \
            --requests $count --concurrency "$concurrency" --series-prefix "r${round}_$samples" --name "prometheus (round $round)"
        $lumen bench remote-write --url http://127.0.0.1:24318/api/v1/write --samples-per-request $samples \
            --requests $count --concurrency "$concurrency" --series-prefix "r${round}_$samples" --name "lumen      (round $round)"
    done
done
