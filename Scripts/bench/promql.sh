#!/usr/bin/env bash
# PromQL range queries, side by side: the same samples in Prometheus 2.42 and in Lumen (release), the same
# queries through both servers' /api/v1/query_range; answers must be equal within 1e-6 relative, and each
# query's median latency is printed for both.
#
# The dataset (Scripts/bench/promql/load.py): about 3,200 series of a small shop (request counters, latency
# histograms with 11 buckets, process gauges) every 15 s for HOURS hours ending a minute ago, sent by remote
# write in time order to both. Prometheus compacts what is older than its head's 3 h into blocks, as it
# would have after running that long; Lumen is measured twice, with everything in its head and after
# POST /api/v1/admin/flush has written everything into blocks.
#
# Usage: Scripts/bench/promql.sh [hours] [repeat]
#   LUMEN_BIN=path   an already built release binary (default: builds .build/release/lumen)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=Scripts/bench/promql

hours=${1:-6}
repeat=${2:-5}
command -v prometheus >/dev/null || apt-get install -y prometheus >/dev/null
. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

lumen_api=127.0.0.1:29472
lumen_write=127.0.0.1:24320
prometheus=127.0.0.1:29092
$lumen serve --data-dir "$work/lumen" --api $lumen_api --otlp-http $lumen_write --otlp-grpc off --statsd off \
    --syslog off --log-level warning >"$work/lumen.log" 2>&1 &
pids+=($!)
printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address=$prometheus --web.enable-remote-write-receiver >"$work/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -sf http://$lumen_api/ready >/dev/null && curl -sf http://$prometheus/-/ready >/dev/null && break
    sleep 0.2
done

python3 $here/load.py --hours "$hours" http://$prometheus/api/v1/write http://$lumen_write/api/v1/write \
    | tee "$work/load.txt"
read -r _ start end < <(grep '^range ' "$work/load.txt")

# Prometheus compacts its head once it spans more than 3 h, checking every minute; wait for that to finish
# so that no compaction runs while queries are timed.
echo "== waiting for Prometheus to compact its head"
for _ in $(seq 60); do
    span=$(curl -sf http://$prometheus/api/v1/status/tsdb \
        | python3 -c 'import json, sys; h = json.load(sys.stdin)["data"]["headStats"]; print(h["maxTime"] - h["minTime"])')
    [ "$span" -le $((3 * 3600 * 1000)) ] && break
    sleep 5
done
sleep 5
blocks=$(find "$work/prometheus" -name meta.json | wc -l)
echo "Prometheus: $blocks block(s), head spans $((span / 60000)) min"

status=0
echo "== Lumen with everything in its head"
python3 $here/compare.py --start "$start" --end "$end" --repeat "$repeat" --label "head" \
    --reference http://$prometheus --candidate http://$lumen_api || status=1
curl -sf -X POST http://$lumen_api/api/v1/admin/flush >/dev/null
echo "== Lumen with everything in blocks"
python3 $here/compare.py --start "$start" --end "$end" --repeat "$repeat" --label "blocks" \
    --reference http://$prometheus --candidate http://$lumen_api || status=1
echo "machine: $(nproc) cores, $(uname -r)"
exit $status
