#!/usr/bin/env bash
# The cost of TLS on ingest: two release servers side by side in one run, one in plaintext and one with
# --tls-cert/--tls-key (a P-256 certificate made here by openssl), each loaded in turn by `lumen load --rate 0`
# over OTLP/HTTP and OTLP/gRPC (https:// and grpcs:// with --ca-file), alternating for several rounds so that
# the machine's drift falls on both alike. Prints each round and the medians per transport and mode: spans/s
# acknowledged, and the server's CPU time (user + system, from /proc) per 1,000 spans, which a busy machine
# disturbs less than the rate. The load generator runs on the same cores and pays its own side of TLS too.
# Usage: Scripts/bench/tls.sh [seconds] [rounds] [concurrency] [shop-requests-per-POST]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-10}
rounds=${2:-3}
concurrency=${3:-16}
batch=${4:-20}

. Scripts/bench/common.sh
lumen=$(lumen_binary)
work=$(mktemp -d)
trap 'kill $plain $secure 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
    -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -extfile server.ext \
    -out server.pem 2>/dev/null
cd - >/dev/null

serve() {  # name, OTLP/HTTP port, OTLP/gRPC port, API port, extra flags…
    local name=$1 http=$2 grpc=$3 api=$4
    shift 4
    $lumen serve --data-dir "$work/$name" --otlp-http 127.0.0.1:$http --otlp-grpc 127.0.0.1:$grpc \
        --api 127.0.0.1:$api --statsd off --syslog off --log-level warning "$@" >"$work/$name.log" 2>&1 &
}
serve plain 21418 21417 21470
plain=$!
serve secure 21428 21427 21480 --tls-cert "$work/server.pem" --tls-key "$work/server.key"
secure=$!
for _ in $(seq 100); do
    curl -sf http://127.0.0.1:21470/ready >/dev/null && curl -sf --cacert "$work/ca.pem" https://127.0.0.1:21480/ready >/dev/null && break
    sleep 0.1
done

cpu_ticks() {  # user + system clock ticks of a process so far
    awk '{print $14 + $15}' /proc/$1/stat
}

results="$work/results"
: >"$results"
for round in $(seq "$rounds"); do
    for transport in http grpc; do
        for mode in plain tls; do
            case $transport/$mode in
                http/plain) endpoint=http://127.0.0.1:21418 pid=$plain ;;
                http/tls) endpoint=https://127.0.0.1:21428 pid=$secure ;;
                grpc/plain) endpoint=grpc://127.0.0.1:21417 pid=$plain ;;
                grpc/tls) endpoint=grpcs://127.0.0.1:21427 pid=$secure ;;
            esac
            before=$(cpu_ticks $pid)
            out=$($lumen load --endpoint $endpoint --ca-file "$work/ca.pem" --seed $RANDOM --rate 0 \
                --duration "${seconds}s" --concurrency "$concurrency" --batch-size "$batch" --quiet)
            after=$(cpu_ticks $pid)
            spans=$(echo "$out" | sed -n 's/.*acknowledged (\([0-9.]*\) spans\/s).*/\1/p')
            count=$(echo "$out" | sed -n 's/^done in [0-9.]*s: [0-9]* requests, \([0-9]*\) spans,.*/\1/p')
            cpu=$(awk -v t=$((after - before)) -v hz=$(getconf CLK_TCK) -v n="$count" 'BEGIN {printf "%.1f", t / hz * 1000 / n * 1000}')
            latency=$(echo "$out" | sed -n 's/^acknowledgement latency per POST: //p')
            failures=$(echo "$out" | sed -n 's/.*, \([0-9]*\) failures$/\1/p')
            echo "round $round  $transport  $mode  $spans spans/s  server CPU $cpu ms per 1,000 spans  $latency  failures $failures"
            echo "$transport $mode $spans $cpu" >>"$results"
        done
    done
done

median() {  # transport, mode, column
    awk -v t=$1 -v m=$2 -v c=$3 '$1 == t && $2 == m {print $c}' "$results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo "== medians over $rounds rounds, TLS / plaintext"
for transport in http grpc; do
    awk -v t=$transport -v p="$(median $transport plain 3)" -v s="$(median $transport tls 3)" \
        -v pc="$(median $transport plain 4)" -v sc="$(median $transport tls 4)" \
        'BEGIN {printf "%-5s spans/s: plaintext %6.0f, tls %6.0f (%.2f)   server CPU ms per 1,000 spans: plaintext %.1f, tls %.1f (%.2f)\n", t, p, s, s / p, pc, sc, sc / pc}'
done
echo "machine: $(nproc) cores, $(uname -r)"
