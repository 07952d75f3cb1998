#!/usr/bin/env bash
# A local Lumen cluster for trying it (docs/cluster.md): 3 nats-server processes with JetStream in one NATS
# cluster, and 3 Lumen nodes with every role joined to it, all on loopback.
#
#   Scripts/cluster.sh up       start it (builds nothing: LUMEN_BIN, default .build/debug/lumen)
#   Scripts/cluster.sh status   what runs, and the partitions' owners (lumen cluster)
#   Scripts/cluster.sh down     stop everything; the data stays in $LUMEN_CLUSTER_DIR (remove it for a fresh start)
#
# Ports from LUMEN_CLUSTER_PORT (default 21600), node i = 0, 1, 2: NATS clients +i, routes +10+i, monitoring
# +20+i; Lumen OTLP/HTTP +30+i, query API +40+i, OTLP/gRPC +50+i. StatsD and syslog are off.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${LUMEN_CLUSTER_PORT:-21600}
dir=${LUMEN_CLUSTER_DIR:-/tmp/lumen-cluster-$base}
# The nodes share a block store there (docs/cluster.md, "Blocks in shared storage"); LUMEN_CLUSTER_BLOCK_STORE=off
# runs them without one.
blocks=$([ "${LUMEN_CLUSTER_BLOCK_STORE:-}" = off ] || echo "$dir/blocks")
lumen=${LUMEN_BIN:-.build/debug/lumen}
nodes=(0 1 2)
if ! [[ $base =~ ^[0-9]+$ ]] || ((base < 1024 || base > 65535 - 60)); then
    echo "LUMEN_CLUSTER_PORT must be a port number from 1024 to $((65535 - 60)), got \"$base\"" >&2
    exit 2
fi

join() { local IFS=,; echo "$*"; }
nats_urls=$(join "nats://127.0.0.1:$base" "nats://127.0.0.1:$((base + 1))" "nats://127.0.0.1:$((base + 2))")
routes=$(join "nats://127.0.0.1:$((base + 10))" "nats://127.0.0.1:$((base + 11))" "nats://127.0.0.1:$((base + 12))")

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to 30 s for a URL to answer 2xx.
wait_for() {
    local url=$1 pidfile=$2 log=$3
    for _ in $(seq 150); do
        curl -sf -o /dev/null "$url" && return 0
        running "$pidfile" || { echo "$(basename "$pidfile" .pid) exited; the end of $log:" >&2; tail -20 "$log" >&2; exit 1; }
        sleep 0.2
    done
    echo "no answer from $url after 30 s; the end of $log:" >&2
    tail -20 "$log" >&2
    exit 1
}

up() {
    command -v nats-server >/dev/null || { echo "nats-server is missing: Scripts/bootstrap.sh --test-peers installs it" >&2; exit 1; }
    command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
    [ -x "$lumen" ] || { echo "no lumen binary at $lumen: run 'swift build --product lumen' or set LUMEN_BIN" >&2; exit 1; }
    mkdir -p "$dir/pids"
    for i in "${nodes[@]}"; do
        running "$dir/pids/nats-$i.pid" && continue
        mkdir -p "$dir/nats-$i"
        # JetStream reserves each stream's MaxBytes (Lumen's 4 streams × 4 GiB by default, plus its KV buckets)
        # from a store that defaults to 75 % of the free disk: name one large enough, or on a disk with under
        # ~23 GB free the streams cannot be placed ("insufficient storage"). The streams' own limits bound the use.
        printf 'jetstream {\n  max_file_store: 64GB\n}\n' >"$dir/nats-$i.conf"
        setsid nats-server -c "$dir/nats-$i.conf" -a 127.0.0.1 -p $((base + i)) -m $((base + 20 + i)) -n "nats-$i" -js -sd "$dir/nats-$i" \
            --cluster_name lumen --cluster "nats://127.0.0.1:$((base + 10 + i))" --routes "$routes" \
            -l "$dir/nats-$i.log" </dev/null >/dev/null 2>&1 &
        echo $! >"$dir/pids/nats-$i.pid"
    done
    for i in "${nodes[@]}"; do
        wait_for "http://127.0.0.1:$((base + 20 + i))/varz" "$dir/pids/nats-$i.pid" "$dir/nats-$i.log"
    done
    # JetStream places replicated streams once every server knows the meta group's leader.
    for _ in $(seq 150); do
        leaders=0
        for i in "${nodes[@]}"; do
            curl -sf "http://127.0.0.1:$((base + 20 + i))/jsz" | grep -q '"leader"' && leaders=$((leaders + 1))
        done
        [ $leaders = 3 ] && break
        sleep 0.2
    done
    for i in "${nodes[@]}"; do
        running "$dir/pids/lumen-$i.pid" && continue
        setsid "$lumen" serve --cluster "$nats_urls" --node "node-$i" --data-dir "$dir/lumen-$i" \
            ${blocks:+--block-store "$blocks"} \
            --otlp-http "127.0.0.1:$((base + 30 + i))" --api "127.0.0.1:$((base + 40 + i))" \
            --otlp-grpc "127.0.0.1:$((base + 50 + i))" --statsd off --syslog off \
            </dev/null >"$dir/lumen-$i.log" 2>&1 &
        echo $! >"$dir/pids/lumen-$i.pid"
    done
    for i in "${nodes[@]}"; do
        wait_for "http://127.0.0.1:$((base + 40 + i))/ready" "$dir/pids/lumen-$i.pid" "$dir/lumen-$i.log"
    done
    # Every partition owned: the nodes have announced themselves and taken their leases.
    for _ in $(seq 150); do
        status=$(curl -sf "http://127.0.0.1:$((base + 40))/lumen/v1/cluster" || true)
        [ -n "$status" ] && ! grep -q '"unowned"' <<<"$status" && break
        sleep 0.2
    done
    echo "Lumen cluster up: 3 NATS servers ($nats_urls), 3 nodes with every role${blocks:+, shared blocks in $blocks}"
    for i in "${nodes[@]}"; do
        echo "  node-$i  send OTLP/HTTP, remote write, Loki, Zipkin to http://127.0.0.1:$((base + 30 + i))," \
            "OTLP/gRPC to 127.0.0.1:$((base + 50 + i)); query http://127.0.0.1:$((base + 40 + i))"
    done
    echo "try:  $lumen load --endpoint http://127.0.0.1:$((base + 30)) --duration 30s"
    echo "      $lumen cluster --api http://127.0.0.1:$((base + 40))"
    echo "      $0 status    $0 down"
    echo "logs and data in $dir"
}

down() {
    # Lumen first (it gives its leases up and syncs its store), then NATS.
    for pidfile in "$dir"/pids/lumen-*.pid "$dir"/pids/nats-*.pid; do
        [ -f "$pidfile" ] || continue
        if running "$pidfile"; then
            kill "$(cat "$pidfile")"
            for _ in $(seq 150); do running "$pidfile" || break; sleep 0.1; done
            running "$pidfile" && kill -9 "$(cat "$pidfile")"
        fi
        rm -f "$pidfile"
    done
    echo "stopped (logs and data kept in $dir)"
}

status() {
    local any=0
    for pidfile in "$dir"/pids/*.pid; do
        [ -f "$pidfile" ] || continue
        any=1
        name=$(basename "$pidfile" .pid)
        if running "$pidfile"; then echo "$name: running (pid $(cat "$pidfile"))"; else echo "$name: not running"; fi
    done
    [ $any = 1 ] || { echo "no cluster in $dir (Scripts/cluster.sh up starts one)"; return 0; }
    for i in "${nodes[@]}"; do
        if running "$dir/pids/lumen-$i.pid"; then
            echo
            "$lumen" cluster --api "http://127.0.0.1:$((base + 40 + i))"
            return 0
        fi
    done
    echo "no Lumen node is running"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
