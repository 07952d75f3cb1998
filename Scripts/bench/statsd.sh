#!/usr/bin/env bash
# StatsD over UDP: datagrams per second a release build takes, and how many it loses, when one sender blasts
# single-counter datagrams as fast as Python can send them, then at a fixed 50,000/s.
# Loss = sent − what the counter adds up to after the flush. Usage: Scripts/bench/statsd.sh [datagrams]
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-500000}
. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
$lumen serve --data-dir "$work/store" --otlp-http 127.0.0.1:24318 --otlp-grpc off --api 127.0.0.1:29470 \
    --statsd 127.0.0.1:28125 --syslog off --statsd-flush-interval 1s --log-level warning >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:29470/ready >/dev/null && break; sleep 0.1; done

python3 - "$count" <<'PY'
import json, socket, sys, time, urllib.parse, urllib.request

count = int(sys.argv[1])

def total(name):
    url = "http://127.0.0.1:29470/api/v1/query?" + urllib.parse.urlencode({"query": name})
    result = json.load(urllib.request.urlopen(url))["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0

def run(name, rate):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = f"{name}:1|c".encode()
    started = time.perf_counter()
    for sent in range(count):
        sock.sendto(payload, ("127.0.0.1", 28125))
        if rate and sent % 1000 == 999:
            ahead = (sent + 1) / rate - (time.perf_counter() - started)
            if ahead > 0:
                time.sleep(ahead)
    elapsed = time.perf_counter() - started
    time.sleep(3)  # two flushes
    received = total(name.replace(".", "_") + "_total")
    label = "as fast as possible" if not rate else f"paced at {rate:,}/s"
    print(f"{label}: sent {count:,} in {elapsed:.2f}s ({count / elapsed:,.0f} datagrams/s), "
          f"received {received:,.0f}, loss {100 * (count - received) / count:.2f} %")

run("bench.blast", 0)
run("bench.paced", 50_000)
PY
curl -s http://127.0.0.1:29470/metrics | grep -E '^lumen_ingest_(received|rejected|refused_requests)_total\{protocol="statsd"' || true
