#!/usr/bin/env bash
# Metric size: bytes per sample of a Lumen metric block against a Prometheus 2.42 block holding the same
# samples, chunks alone and with the index, plus Lumen's chunk decode throughput.
#
# The dataset is real: Debian's prometheus scrapes prometheus-node-exporter and itself every second for
# MINUTES minutes (default 10), on its own ports and a fresh storage path. `promtool tsdb dump` exports the
# raw samples; the same samples go into a fresh Prometheus block (`promtool tsdb create-blocks-from
# openmetrics`) and into a Lumen metric block (`lumen-bench metric-block`).
#
# Usage: MINUTES=2 Scripts/bench/metrics-size.sh
#   WORK=dir      keep the dataset and blocks there (default: a temporary directory, removed at exit)
#   REUSE=1       with WORK, skip scraping when WORK/dump.txt exists
#   LUMEN_BIN=path  reuse a release binary (default: a fresh release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. Scripts/bench/common.sh
here=Scripts/bench/metrics

minutes=${MINUTES:-10}
port_prom=29090
port_node=29100
if [[ -n "${WORK:-}" ]]; then work=$WORK; mkdir -p "$work"; keep=1; else work=$(mktemp -d); keep=0; fi
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ $keep == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "installing $2"; apt-get install -y "$2" >/dev/null; }; }
need prometheus prometheus
need promtool prometheus
need prometheus-node-exporter prometheus-node-exporter

if [[ ${REUSE:-0} == 1 && -s "$work/dump.txt" ]]; then
    echo "== reusing $work/dump.txt"
else
    # Debian's units may have started their own instances on :9090/:9100; ours use other ports, but stop
    # theirs anyway so they do not compete for the two cores.
    (systemctl stop prometheus prometheus-node-exporter || service prometheus stop) >/dev/null 2>&1 || true
    rm -rf "$work/prom-live" && mkdir -p "$work/prom-live"
    sed -e "s/@PROM@/$port_prom/" -e "s/@NODE@/$port_node/" "$here/prometheus.yml" >"$work/prometheus.yml"
    # Collectors that fail or hang in a container are off; the rest are node_exporter's defaults.
    prometheus-node-exporter --web.listen-address=127.0.0.1:$port_node \
        --no-collector.systemd --no-collector.hwmon --no-collector.rapl --no-collector.nvme \
        --no-collector.zfs --no-collector.thermal_zone --no-collector.powersupplyclass \
        --no-collector.btrfs --no-collector.infiniband --no-collector.fibrechannel --no-collector.tapestats \
        --no-collector.textfile --no-collector.mdadm >"$work/node.log" 2>&1 &
    pids+=($!)
    prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom-live" \
        --web.listen-address=127.0.0.1:$port_prom >"$work/prom.log" 2>&1 &
    prom=$!
    pids+=($prom)
    echo "== scraping node_exporter and Prometheus itself every 1s for $minutes min into $work/prom-live"
    sleep $((minutes * 60))
    kill -TERM $prom; wait $prom || true
    echo "== promtool tsdb dump"
    promtool tsdb dump "$work/prom-live" >"$work/dump.txt"
fi

# Both stores get the same samples. A Prometheus block must not straddle a 2h boundary (backfill would cut
# it in two and count the index twice), so when the window crosses one, every timestamp moves back by
# whole seconds to start at a 2h boundary; the shift keeps each timestamp's ms granularity.
python3 "$here/dump-to-openmetrics.py" "$work/dump.txt" "$work/samples.txt" "$work/samples.om" >"$work/convert.txt"
cat "$work/convert.txt"

echo "== Prometheus: promtool tsdb create-blocks-from openmetrics"
rm -rf "$work/prom-block" && mkdir -p "$work/prom-block"
promtool tsdb create-blocks-from openmetrics "$work/samples.om" "$work/prom-block" >"$work/backfill.log" 2>&1 \
    || { cat "$work/backfill.log"; exit 1; }
blocks=$(find "$work/prom-block" -mindepth 1 -maxdepth 1 -type d | wc -l)
prom_chunks=$(find "$work/prom-block" -path '*/chunks/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
prom_index=$(find "$work/prom-block" -name index -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
prom_meta=$(find "$work/prom-block" -name meta.json -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')

echo "== Lumen: lumen-bench metric-block"
lumen_bench=$(lumen_bench_binary)
rm -rf "$work/lumen-block"
"$lumen_bench" metric-block "$work/samples.txt" "$work/lumen-block" | tee "$work/lumen.txt"
lumen_chunks=$(stat -c %s "$work/lumen-block/chunks")
lumen_index=$(stat -c %s "$work/lumen-block/index")
lumen_meta=$(stat -c %s "$work/lumen-block/meta.json")

samples=$(awk '/^samples /{print $2}' "$work/convert.txt")
series=$(awk '/^series /{print $2}' "$work/convert.txt")
echo
echo "== results: $series series, $samples samples, $blocks Prometheus block(s)"
awk -v n="$samples" -v pc="$prom_chunks" -v pi="$prom_index" -v pm="$prom_meta" \
    -v lc="$lumen_chunks" -v li="$lumen_index" -v lm="$lumen_meta" 'BEGIN {
    printf "%-12s %12s %12s %12s %14s %14s\n", "store", "chunks B", "index B", "meta B", "chunks B/smp", "total B/smp"
    printf "%-12s %12d %12d %12d %14.3f %14.3f\n", "prometheus", pc, pi, pm, pc/n, (pc+pi+pm)/n
    printf "%-12s %12d %12d %12d %14.3f %14.3f\n", "lumen", lc, li, lm, lc/n, (lc+li+lm)/n
    printf "ratio lumen/prometheus: chunks %.3f, total %.3f\n", lc/pc, (lc+li+lm)/(pc+pi+pm)
}'
echo "machine: $(nproc) cores, $(uname -r)"
