#!/bin/bash
# KV consumers created per minute by an idle 3-node cluster (issue 19, docs/cluster.md "Listing a bucket"):
# Scripts/cluster.sh up, 20 s to settle, then 60 s with one /lumen/v1/cluster request and one PromQL query a
# second to node-0, counting the consumers the nats-servers placed on KV_ streams ("new consumer leader" lines in
# their logs). Usage: LUMEN_BIN=… Scripts/bench/kv-consumers.sh [label]  (LUMEN_CLUSTER_PORT picks the ports)
set -u
cd "$(dirname "$0")/../.."
label=${1:-run}
export LUMEN_CLUSTER_PORT=${LUMEN_CLUSTER_PORT:-21600}
export LUMEN_CLUSTER_DIR=${LUMEN_CLUSTER_DIR:-/tmp/lumen-kv-consumers-$LUMEN_CLUSTER_PORT}
api=http://127.0.0.1:$((LUMEN_CLUSTER_PORT + 40))
rm -rf "$LUMEN_CLUSTER_DIR"
Scripts/cluster.sh up >/dev/null || exit 1
trap 'Scripts/cluster.sh down >/dev/null 2>&1' EXIT
sleep 20
count() { cat "$LUMEN_CLUSTER_DIR"/nats-*.log | grep -c "new consumer leader for '\$G > KV_"; }
before=$(count)
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null "$api/lumen/v1/cluster"
    curl -s -o /dev/null "$api/api/v1/query?query=up"
    sleep 1
done
echo "$label: $(($(count) - before)) KV consumers created in 60 s"
