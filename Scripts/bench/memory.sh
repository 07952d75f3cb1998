#!/usr/bin/env bash
# Memory that comes back: one release server, several rounds of OTLP ingest (`lumen load --rate 0`), each
# followed by a head cut (POST /api/v1/admin/flush) and an idle pause, with the server's resident memory read
# from /proc after each; then a compaction of the rounds' blocks (POST /api/v1/admin/compact) with its peak
# (VmHWM, reset through /proc/<pid>/clear_refs just before) and the memory after it. Prints one line per step:
# VmRSS and RssAnon in MB, and the data directory's blocks in MB. With MEMORY_ALLOCATOR=1 (needs gdb and
# ptrace rights) it ends with glibc's own view: malloc_stats() (arenas, bytes held vs in use), then what
# malloc_trim(0) gives back — memory the allocator holds free versus memory still in use.
# A round is a number of shop requests (MEMORY_COUNT, the same work whatever the machine's speed) or else
# seconds of load.
# MEMORY_CONFIG names a YAML configuration file for the server (e.g. a head_max_bytes big enough that each round is
# cut only by its flush, so that the compaction at the end merges every round's block, not a maintenance tick).
# Usage: Scripts/bench/memory.sh [rounds] [seconds-per-round] [concurrency] [shop-requests-per-POST] [idle-seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-5}
seconds=${2:-60}
concurrency=${3:-16}
batch=${4:-20}
idle=${5:-10}
otlp=${MEMORY_OTLP_PORT:-21518}
api=${MEMORY_API_PORT:-21570}
amount="--duration ${seconds}s"
[ -n "${MEMORY_COUNT:-}" ] && amount="--count $MEMORY_COUNT"

. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

$lumen serve --data-dir "$work/data" --otlp-http 127.0.0.1:$otlp --otlp-grpc off --api 127.0.0.1:$api \
    --statsd off --syslog off --log-level warning ${MEMORY_CONFIG:+--config "$MEMORY_CONFIG"} >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$api/ready" >/dev/null && break; sleep 0.1; done

field() { awk -v k="$1:" '$1 == k { printf "%d", $2 / 1024 }' /proc/$server/status; }
blocks() { du -sm "$work/data/blocks" 2>/dev/null | cut -f1; }
report() { printf '%-22s VmRSS %6s MB  RssAnon %6s MB  blocks %5s MB\n' "$1" "$(field VmRSS)" "$(field RssAnon)" "$(blocks)"; }

report "baseline"
for round in $(seq "$rounds"); do
    $lumen load --endpoint 127.0.0.1:$otlp --rate 0 $amount --concurrency "$concurrency" \
        --batch-size "$batch" --quiet --output json >"$work/load-$round.json"
    tr -d ' ,"' <"$work/load-$round.json" \
        | awk -F: '/^(logs_acknowledged|spans_acknowledged|elapsed_seconds|failures):/ { printf "  %s %s", $1, $2 } END { print "" }'
    report "round $round ingested"
    curl -fs -X POST "http://127.0.0.1:$api/api/v1/admin/flush" >/dev/null
    sleep "$idle"
    report "round $round flushed+idle"
done
echo 5 >/proc/$server/clear_refs   # resets VmHWM to the current RSS
before=$(blocks)
curl -fs -X POST "http://127.0.0.1:$api/api/v1/admin/compact" >/dev/null
printf 'compaction of %s MB: peak VmHWM %s MB\n' "$before" "$(field VmHWM)"
sleep "$idle"
report "compacted+idle"

if [ "${MEMORY_ALLOCATOR:-0}" = 1 ]; then
    # malloc_stats() writes to the server's stderr: its last "Total" is the whole heap.
    lines=$(wc -l <"$work/server.log")
    gdb -p $server -batch -ex 'call (void)malloc_stats()' >/dev/null 2>&1
    sleep 1
    tail -n +$((lines + 1)) "$work/server.log" | awk '
        /^Arena/ { arenas++ } /^Total \(incl. mmap\)/ { total = 1 }
        total && /system bytes/ { held = $NF } total && /in use bytes/ { used = $NF }
        END { printf "glibc heap: %d arenas, %d MB held, %d MB in use\n", arenas, held / 1048576, used / 1048576 }'
    gdb -p $server -batch -ex 'call (int)malloc_trim(0)' >/dev/null 2>&1
    report "after malloc_trim(0)"
fi
