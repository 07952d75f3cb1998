#!/usr/bin/env bash
# A 3-node cluster against a single node, in the same run (issue 19): spans/s (`lumen load`) and samples/s
# (`lumen-bench remote-write`) acknowledged, the same clients against each; the takeover time after a `kill -9`
# (from the kill until every partition is owned by a survivor, active, and caught up, from GET /lumen/v1/cluster);
# and the latency a fanned-out query adds over the same query on one node (median and p95 of N).
# Everything runs on this machine's loopback, so the cluster's 3 nodes and 3 nats-servers share its cores: the
# ratios are what this measures, with each process' CPU per span or message beside them.
# Usage: Scripts/bench/cluster.sh [seconds] [concurrency] [queries]
#   LUMEN_CLUSTER_PORT   first of the ports used (default 21700): the cluster as Scripts/cluster.sh lays it out,
#                        the single node at +60 (OTLP/HTTP), +61 (API), +62 (OTLP/gRPC)
#   ROUNDS=n             rounds of the ingest runs (default 2), each single node then cluster
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-20}
concurrency=${2:-12}
queries=${3:-50}
base=${LUMEN_CLUSTER_PORT:-21700}
command -v nats-server >/dev/null || Scripts/bootstrap.sh --test-peers
. Scripts/bench/common.sh
lumen=$(lumen_binary)
lumen_bench=$(lumen_bench_binary)
work=$(mktemp -d)
cluster=(env LUMEN_CLUSTER_PORT="$base" LUMEN_CLUSTER_DIR="$work/cluster" LUMEN_BIN="$lumen" Scripts/cluster.sh)
trap 'kill $single 2>/dev/null || true; "${cluster[@]}" down >/dev/null 2>&1 || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

single_otlp=http://127.0.0.1:$((base + 60)) single_api=http://127.0.0.1:$((base + 61))
$lumen serve --data-dir "$work/single" --otlp-http 127.0.0.1:$((base + 60)) --api 127.0.0.1:$((base + 61)) \
    --otlp-grpc 127.0.0.1:$((base + 62)) --statsd off --syslog off --log-level warning >"$work/single.log" 2>&1 &
single=$!
"${cluster[@]}" up >/dev/null
for _ in $(seq 100); do curl -sf "$single_api/ready" >/dev/null && break; sleep 0.1; done
collectors=(http://127.0.0.1:$((base + 30)) http://127.0.0.1:$((base + 31)) http://127.0.0.1:$((base + 32)))
apis=(http://127.0.0.1:$((base + 40)) http://127.0.0.1:$((base + 41)) http://127.0.0.1:$((base + 42)))
pid_of() { cat "$work/cluster/pids/$1.pid"; }
cluster_pids="$(pid_of lumen-0) $(pid_of lumen-1) $(pid_of lumen-2)"
nats_pids="$(pid_of nats-0) $(pid_of nats-1) $(pid_of nats-2)"

# CPU seconds (user + system) the processes have used, from /proc; the machine's busy and total jiffies.
cpu() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $t; }
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
# Messages JetStream stored, as one nats-server counts them (R3: every server holds every stream).
stored_messages() { curl -s "http://127.0.0.1:$((base + 20))/jsz" | python3 -c 'import json, sys; print(json.load(sys.stdin)["messages"])'; }

# ingest NAME URL… : three `lumen load` clients at once (concurrency / 3 each), one per URL, for the same time.
# Leaves spans and logs acknowledged per second in `spans_rate` and `logs_rate`.
ingest() {
    local name=$1 i=0 url clients=()
    shift
    for url in "$@"; do
        $lumen load --endpoint "$url" --seed $((RANDOM + i)) --rate 0 --duration "${seconds}s" \
            --concurrency $((concurrency / 3)) --batch-size 20 --quiet --output json >"$work/load-$i.json" &
        clients+=($!)
        i=$((i + 1))
    done
    wait "${clients[@]}"
    read -r spans_rate logs_rate failures < <(python3 - "$work"/load-*.json <<'EOF'
import json, sys
runs = [json.load(open(path)) for path in sys.argv[1:]]
elapsed = max(run["elapsed_seconds"] for run in runs)
print(round(sum(r["spans_acknowledged"] for r in runs) / elapsed), round(sum(r["logs_acknowledged"] for r in runs) / elapsed),
      sum(r["failures"] for r in runs))
EOF
)
    rm -f "$work"/load-*.json
    echo "  $name: $spans_rate spans/s, $logs_rate log records/s acknowledged ($failures failed requests)"
}

# measure NAME PIDS URL… : one ingest run with the receivers' CPU and the machine's load around it.
measure() {
    local name=$1 pids=$2 before after m0 m1
    shift 2
    before=$(cpu $pids) m0=$(machine)
    ingest "$name" "$@"
    after=$(cpu $pids) m1=$(machine)
    receiver_cpu=$(((after - before)))
    python3 -c "
busy0, total0 = map(int, '$m0'.split()); busy1, total1 = map(int, '$m1'.split())
print(f'    receivers used {$receiver_cpu / $(getconf CLK_TCK):.1f} CPU s ({$receiver_cpu / $(getconf CLK_TCK) / ($spans_rate * $seconds) * 1e6:.0f} µs per span);'
      f' machine {100 * (busy1 - busy0) / (total1 - total0):.0f}% busy of $(nproc) cores')"
}

echo "== ingest: lumen load --rate 0 for ${seconds}s, 3 clients × concurrency $((concurrency / 3)), 20 shop requests per POST"
ratios=()
for round in $(seq "${ROUNDS:-2}"); do
    echo " round $round"
    measure "single node" "$single" "$single_otlp" "$single_otlp" "$single_otlp"
    single_spans=$spans_rate
    messages0=$(stored_messages) nats0=$(cpu $nats_pids)
    measure "3-node cluster" "$cluster_pids $nats_pids" "${collectors[@]}"
    messages1=$(stored_messages) nats1=$(cpu $nats_pids)
    cluster_spans=$spans_rate
    python3 -c "
m = $messages1 - $messages0
print(f'    JetStream stored {m} messages ({m / $seconds:.0f}/s, {$cluster_spans * $seconds / max(m, 1):.0f} spans per message);'
      f' the 3 nats-servers used {($nats1 - $nats0) / $(getconf CLK_TCK):.1f} CPU s, {($nats1 - $nats0) / $(getconf CLK_TCK) / max(m, 1) * 1e6:.0f} µs per message')"
    ratios+=("$(python3 -c "print(f'{$cluster_spans / $single_spans:.2f}')")")
done
echo "  cluster ÷ single node, spans/s, per round: ${ratios[*]}"

echo "== remote write: lumen-bench remote-write, 3 clients × 300 requests × 1000 samples, concurrency $((concurrency / 3)) each"
remote_write() {
    local name=$1 i=0 url clients=()
    shift
    for url in "$@"; do
        $lumen_bench remote-write --url "$url/api/v1/write" --samples-per-request 1000 --requests 300 \
            --concurrency $((concurrency / 3)) --series-prefix "rw_$(date +%s)_$i" --name "$name $i" >"$work/rw-$i.txt" &
        clients+=($!)
        i=$((i + 1))
    done
    wait "${clients[@]}"
    samples_rate=$(cat "$work"/rw-*.txt | sed -n 's/.*: \([0-9]*\) samples\/s acknowledged.*/\1/p' | awk '{s += $1} END {print s}')
    rm -f "$work"/rw-*.txt
    echo "  $name: $samples_rate samples/s acknowledged (the 3 clients' rates summed)"
}
remote_write "single node" "$single_otlp" "$single_otlp" "$single_otlp"
single_samples=$samples_rate
remote_write "3-node cluster" "${collectors[@]}"
echo "  cluster ÷ single node, samples/s: $(python3 -c "print(f'{$samples_rate / $single_samples:.2f}')")"

echo "== query latency: each query $queries times on the single node and on node-0 of the cluster (fanned out), alternating"
latency() {
    local path=$1 i
    : >"$work/single.times"
    : >"$work/cluster.times"
    for i in $(seq "$queries"); do
        curl -s -o /dev/null -w '%{time_total}\n' "$single_api$path" >>"$work/single.times"
        curl -s -o /dev/null -w '%{time_total}\n' "${apis[0]}$path" >>"$work/cluster.times"
    done
    python3 - "$work/single.times" "$work/cluster.times" "$path" <<'EOF'
import statistics, sys
def stats(path):
    times = sorted(float(line) * 1000 for line in open(path))
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
(s50, s95), (c50, c95) = stats(sys.argv[1]), stats(sys.argv[2])
print(f"  {sys.argv[3]}\n    single node p50 {s50:.1f} ms, p95 {s95:.1f} ms; cluster p50 {c50:.1f} ms, p95 {c95:.1f} ms;"
      f" added p50 {c50 - s50:+.1f} ms, p95 {c95 - s95:+.1f} ms")
EOF
}
now=$(date +%s)
latency "/api/v1/query_range?query=sum%20by%20(service)%20(rate(traces_spanmetrics_calls_total%5B1m%5D))&start=$((now - 300))&end=$now&step=15"
latency "/loki/api/v1/query_range?query=sum%20by%20(service)%20(count_over_time(%7Bservice%3D~%22.%2B%22%7D%5B1m%5D))&start=$((now - 300))&end=$now&step=15"
latency "/loki/api/v1/query_range?query=%7Bservice%3D%22checkout%22%7D&limit=100&start=$((now - 300))&end=$now"
latency "/lumen/v1/service-graph?since=5m"

echo "== takeover: kill -9 node-2 (lease TTL 10 s), then poll GET /lumen/v1/cluster on node-0 and node-1 every 0.1 s"
python3 - "${apis[0]}" "${apis[1]}" "$(pid_of lumen-2)" <<'EOF'
import json, os, signal, sys, time, urllib.request
apis, victim = sys.argv[1:3], int(sys.argv[3])
def status(api):
    with urllib.request.urlopen(f"{api}/lumen/v1/cluster", timeout=5) as answer:
        return json.load(answer)
names = {status(api)["node"]: api for api in apis}
held = [p["partition"] for p in status(apis[0])["partitions"] if p.get("owner") == "node-2"]
os.kill(victim, signal.SIGKILL)
killed = time.monotonic()
owned = None
while time.monotonic() - killed < 120:
    try:
        views = {name: status(api) for name, api in names.items()}
    except OSError:  # a survivor busy taking over, or NATS electing a leader (503): ask again
        time.sleep(0.1)
        continue
    partitions = views["node-0"]["partitions"]
    if all(p.get("owner") in names for p in partitions):
        owned = owned or time.monotonic() - killed
        mine = [p for name, view in views.items() for p in view["partitions"] if p.get("owner") == name]
        if len(mine) == len(partitions) and all(p["state"] == "active" for p in mine):
            if all(p["lag"] == 0 for p in mine):
                caught_up = time.monotonic() - killed
                break
    time.sleep(0.1)
else:
    sys.exit("  the survivors did not take every partition over within 120 s")
print(f"  node-2 held {len(held)} partitions; owned by the survivors after {owned:.1f} s,"
      f" active and caught up (lag 0) after {caught_up:.1f} s")
EOF

echo "machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
