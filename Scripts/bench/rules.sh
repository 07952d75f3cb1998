#!/usr/bin/env bash
# Rule evaluation, side by side: the same rule files over the same samples in Prometheus 2.42 and in Lumen
# (release). For each rule count N the file (Scripts/bench/rules/generate.py: groups of 10, eight shapes of
# recording and alerting rules over the shop dataset of Scripts/bench/promql/load.py) is loaded into both by
# POST /-/reload; after EVALUATIONS rounds at a 5 s interval both servers' /api/v1/rules report each group's
# last evaluation time, summed over the groups (the work of one round) — Prometheus' own figure against Lumen's,
# through the same API. The alerts pending or firing are compared label set by label set; any alert only one server
# has is printed.
#
# Then Lumen's query latency with the largest file running against none: rule evaluation has its own executor,
# so a dashboard query should not wait for it.
#
# Usage: Scripts/bench/rules.sh [rule counts] [hours]     e.g. Scripts/bench/rules.sh "10 100 500" 1
#   LUMEN_BIN=path   an already built release binary (default: builds .build/release/lumen)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=Scripts/bench/rules

counts=${1:-"10 100 500"}
hours=${2:-1}
evaluations=4
command -v prometheus >/dev/null || apt-get install -y prometheus >/dev/null
. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

lumen_api=127.0.0.1:29482
lumen_write=127.0.0.1:24330
prometheus=127.0.0.1:29093
echo "groups: []" >"$work/rules.yaml"
$lumen serve --data-dir "$work/lumen" --api $lumen_api --otlp-http $lumen_write --otlp-grpc off --statsd off \
    --syslog off --log-level warning --rules "$work/rules.yaml" >"$work/lumen.log" 2>&1 &
pids+=($!)
printf 'global:\n  scrape_interval: 1h\nrule_files: [%s]\n' "$work/rules.yaml" >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address=$prometheus --web.enable-remote-write-receiver --web.enable-lifecycle \
    >"$work/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -sf http://$lumen_api/ready >/dev/null && curl -sf http://$prometheus/-/ready >/dev/null && break
    sleep 0.2
done

python3 Scripts/bench/promql/load.py --hours "$hours" http://$prometheus/api/v1/write http://$lumen_write/api/v1/write

# Sum and max of the groups' last evaluation times (ms), and how many groups have run at least `evaluations` times
# since the reload (judged by their lastEvaluation), from a /api/v1/rules answer on stdin.
summary='
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
times = [g["evaluationTime"] * 1000 for g in groups]
print(f"{sum(times):.1f} {max(times or [0]):.1f} {len(groups)}")
'
# The alerts of /api/v1/alerts answers (Lumen's, then Prometheus'), as sorted label sets; prints the counts and
# any alert only one of them has.
compare_alerts='
import json, sys, urllib.request
def alerts(url):
    answer = json.load(urllib.request.urlopen(url + "/api/v1/alerts"))["data"]["alerts"]
    return {json.dumps(a["labels"], sort_keys=True) for a in answer}
lumen, prometheus = alerts(sys.argv[1]), alerts(sys.argv[2])
print(len(lumen), len(prometheus))
for only, name in ((lumen - prometheus, "Lumen"), (prometheus - lumen, "Prometheus")):
    for labels in sorted(only):
        print(f"only in {name}: {labels}", file=sys.stderr)
'

printf '\n| rules | groups | series read per round | Lumen ms/round | Prometheus ms/round | Lumen ÷ Prometheus | slowest group Lumen / Prometheus ms | alerts Lumen / Prometheus |\n|---|---|---|---|---|---|---|---|\n'
for n in $counts; do
    python3 $here/generate.py "$n" 5s >"$work/rules.yaml" 2>"$work/series.txt"
    series=$(awk '{print $2}' "$work/series.txt")
    curl -sf -X POST http://$lumen_api/-/reload >/dev/null
    curl -sf -X POST http://$prometheus/-/reload >/dev/null
    sleep $((evaluations * 5 + 3))
    read -r lumen_sum lumen_max groups < <(curl -sf http://$lumen_api/api/v1/rules | python3 -c "$summary")
    read -r prom_sum prom_max _ < <(curl -sf http://$prometheus/api/v1/rules | python3 -c "$summary")
    read -r lumen_alerts prom_alerts < <(python3 -c "$compare_alerts" http://$lumen_api http://$prometheus)
    ratio=$(python3 -c "print(f'{$lumen_sum / max($prom_sum, 0.001):.2f}')")
    echo "| $n | $groups | $series | $lumen_sum | $prom_sum | $ratio | $lumen_max / $prom_max | $lumen_alerts / $prom_alerts |"
done

# A dashboard's query, 30 times, with the largest rule file running and with none.
query='sum by (service) (rate(http_requests_total[5m]))'
latency() {
    python3 - "$lumen_api" "$query" <<'PY'
import statistics, sys, time, urllib.parse, urllib.request
api, query = sys.argv[1], sys.argv[2]
url = f"http://{api}/api/v1/query?" + urllib.parse.urlencode({"query": query})
times = []
for _ in range(30):
    began = time.perf_counter()
    urllib.request.urlopen(url).read()
    times.append((time.perf_counter() - began) * 1000)
    time.sleep(0.1)
times.sort()
print(f"{statistics.median(times):.1f} {times[int(len(times) * 0.9)]:.1f}")
PY
}
read -r busy_p50 busy_p90 < <(latency)
echo "groups: []" >"$work/rules.yaml"
curl -sf -X POST http://$lumen_api/-/reload >/dev/null
sleep 6
read -r idle_p50 idle_p90 < <(latency)
printf '\n| Lumen query latency | p50 ms | p90 ms |\n|---|---|---|\n| no rules | %s | %s |\n| %s rules evaluating every 5 s | %s | %s |\n' \
    "$idle_p50" "$idle_p90" "${counts##* }" "$busy_p50" "$busy_p90"
echo "machine: $(nproc) cores, $(uname -r)"
