#!/usr/bin/env bash
# Dashboard render time: `lumen dash Dashboards/services.yaml` over one hour of `lumen load` data (backfilled at
# 20 shop requests a second, timestamped over the past hour), release build, text export at 160×50. Every
# panel's queries run against the store; the figure is the wall time of one whole render, best and median of 5.
# Usage: Scripts/bench/dash.sh [dashboard]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
dashboard=${1:-Dashboards/services.yaml}
. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
trap 'kill $lumen_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
$lumen serve --data-dir "$work/data" --otlp-http 127.0.0.1:24318 --api 127.0.0.1:29470 --otlp-grpc off \
    --statsd off --syslog off --log-level warning >"$work/serve.log" 2>&1 &
lumen_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:29470/ready >/dev/null && break; sleep 0.2; done

$lumen load --endpoint http://127.0.0.1:24318 --rate 20 --duration 1h --backfill --quiet | tail -2
python3 - "$lumen" "$dashboard" <<'PY'
import statistics, subprocess, sys, time
lumen, dashboard = sys.argv[1], sys.argv[2]
command = [lumen, "dash", dashboard, "--since", "1h", "--format", "text", "--width", "160", "--height", "50",
           "--api", "http://127.0.0.1:29470"]
times, output = [], ""
for _ in range(5):
    started = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    times.append(time.perf_counter() - started)
print(output)
print(f"{dashboard} over 1h: best {min(times):.3f} s, median {statistics.median(times):.3f} s ({len(output.splitlines())} lines)")
PY
