#!/usr/bin/env bash
# Log size and search, side by side: Lumen's log block part against `zstd -19` of the raw text and chDB
# (MergeTree, CODEC(ZSTD(3))), and counting lines that contain a word against chDB's LIKE and `grep -F -c`,
# all warm. Data: this machine's real logs (/var/log/dpkg.log, apt's history.log, alternatives.log) and a
# seeded 1M-line synthetic set with random trace IDs (Scripts/bench/logs/synthetic.py).
# Usage: Scripts/bench/logs.sh [synthetic-lines]      LUMEN_BIN=path reuses a release binary
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-1000000}
. Scripts/bench/common.sh
lumen_bench=$(lumen_bench_binary)
command -v zstd >/dev/null || apt-get install -y -qq zstd
chdb_venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat /var/log/dpkg.log /var/log/apt/history.log /var/log/alternatives.log >"$work/real.log" 2>/dev/null || true
.venv/bin/python Scripts/bench/logs/synthetic.py "$lines" "$work/synthetic.log"

printf '%-10s %9s %11s %11s %11s %11s %7s %7s | %10s %10s %10s %8s %8s\n' data lines raw zstd-19 chdb lumen \
    "/zstd" "/chdb" "lumen s" "chdb s" "grep s" "/chdb" "/grep"
for set in real:install synthetic:timeout; do
    name=${set%%:*}
    word=${set#*:}
    file="$work/$name.log"
    zstd_bytes=$(zstd -19 -q -c "$file" | wc -c)
    lumen_json=$($lumen_bench log-block "$file" --word "$word")
    chdb_json=$(.venv/bin/python Scripts/bench/logs/chdb_logs.py "$file" "$word")
    # grep, warm: the best of five.
    grep_best=$(python3 -c '
import subprocess, sys, time
times = []
for _ in range(6):
    started = time.perf_counter()
    subprocess.run(["grep", "-F", "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE, check=False)  # not DEVNULL: grep stops at the first match then
    times.append(time.perf_counter() - started)
print(min(times[1:]))' "$word" "$file")
    python3 - "$name" "$zstd_bytes" "$grep_best" "$lumen_json" "$chdb_json" <<'PY'
import json, sys
name, zstd_bytes, grep_best = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lumen, chdb = json.loads(sys.argv[4]), json.loads(sys.argv[5])
assert lumen["count"] == chdb["count"], f"counts differ: lumen {lumen['count']}, chdb {chdb['count']}"
print(f"{name:<10} {lumen['lines']:>9} {lumen['raw_bytes']:>11} {zstd_bytes:>11} {chdb['chdb_bytes']:>11} "
      f"{lumen['lumen_bytes']:>11} {lumen['lumen_bytes'] / zstd_bytes:>7.3f} {lumen['lumen_bytes'] / chdb['chdb_bytes']:>7.3f} | "
      f"{lumen['search_best_seconds']:>10.4f} {chdb['search_best_seconds']:>10.4f} {grep_best:>10.4f} "
      f"{lumen['search_best_seconds'] / chdb['search_best_seconds']:>8.3f} {lumen['search_best_seconds'] / grep_best:>8.3f}"
      f"   ({lumen['count']} lines with '{lumen['word']}')")
PY
done
