#!/usr/bin/env bash
# Prometheus remote write, side by side: the same client (`lumen remote-write`) sends the same prebuilt
# batches to Lumen (release, fsync before every acknowledgement) and to Prometheus 2.42's own receiver
# (--web.enable-remote-write-receiver), at 1,000 and 10,000 samples per request.
# Usage: Scripts/bench/remote-write.sh [requests-at-1000] [concurrency]
#   PIN=1     each receiver on core 1 alone and the client on core 0, so the client never takes a receiver's CPU
#   ROUNDS=n  rounds per request size (default 2); each round is one run per receiver, and the summary gives
#             Lumen ÷ Prometheus per round and their median, steadier than any one round on a shared machine
set -euo pipefail
cd "$(dirname "$0")/../.."

requests=${1:-2000}
concurrency=${2:-4}
command -v prometheus >/dev/null || Scripts/bootstrap.sh --test-peers
. Scripts/bench/common.sh
lumen=$(lumen_binary)
lumen_bench=$(lumen_bench_binary)
on_receiver_core="" on_client_core=""
if [ "${PIN:-0}" = 1 ]; then on_receiver_core="taskset -c 1" on_client_core="taskset -c 0"; fi
work=$(mktemp -d)
trap 'kill $lumen_pid $prometheus_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

$on_receiver_core $lumen serve --data-dir "$work/lumen" --otlp-http 127.0.0.1:24318 --api 127.0.0.1:29470 \
    --statsd off --syslog off --log-level warning >"$work/lumen.log" 2>&1 &
lumen_pid=$!
printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus.yml"
$on_receiver_core prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address=127.0.0.1:29090 --web.enable-remote-write-receiver >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 100); do
    curl -sf http://127.0.0.1:29470/ready >/dev/null && curl -sf http://127.0.0.1:29090/-/ready >/dev/null && break
    sleep 0.2
done

# CPU seconds (user + system) a process has used, from /proc.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# send NAME PID URL: one run against one receiver, with the receiver's CPU seconds per million samples, which
# stays steadier than rates when the machine is busy. Leaves the acknowledged samples/s in `rate`.
send() {
    local before after line
    before=$(cpu_ticks "$2")
    line=$($on_client_core $lumen_bench remote-write --url "$3" --samples-per-request $samples --requests $count \
        --concurrency "$concurrency" \
        --series-prefix "r${round}_$samples" --name "$1 (round $round)")
    after=$(cpu_ticks "$2")
    echo "$line"
    rate=$(echo "$line" | sed -n 's/.*: \([0-9]*\) samples\/s acknowledged.*/\1/p')
    echo "  receiver CPU: $(python3 -c "print(f'{($after - $before) / $(getconf CLK_TCK) / ($count * $samples / 1e6):.2f}')") s per million samples"
}

for samples in 1000 10000; do
    count=$((requests * 1000 / samples))
    echo "== $samples samples per request, $count requests, 1000 series, concurrency $concurrency"
    # Each round gives each receiver a fresh timeline of series names: Prometheus first, then Lumen.
    ratios=()
    for round in $(seq "${ROUNDS:-2}"); do
        send prometheus $prometheus_pid http://127.0.0.1:29090/api/v1/write
        prometheus_rate=${rate:-0}
        send "lumen     " $lumen_pid http://127.0.0.1:24318/api/v1/write
        ratios+=("$(python3 -c "print(f'{${rate:-0} / $prometheus_rate:.2f}' if $prometheus_rate else 'n/a')")")
    done
    echo "  Lumen ÷ Prometheus at $samples a request, by round: ${ratios[*]}; median" \
        "$(python3 -c "import statistics, sys; r = [float(x) for x in sys.argv[1:] if x != 'n/a']; print(f'{statistics.median(r):.2f}' if r else 'n/a')" "${ratios[@]}")"
done
