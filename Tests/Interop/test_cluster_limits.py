"""Limits and tenants on a cluster (issue 19, item 2): three `lumen serve` nodes with every role on three
nats-servers, a tenant limited to LIMIT active series and STREAMS log streams. The collectors cannot know which
series are new; the partitions' owners can, and claim each tenant's new series cluster-wide in the KV bucket
`lumen-usage` before they append them. Sent to all three collectors at once over every partition, exactly LIMIT
series are stored cluster-wide (read through a query node), the rest counted as discarded with the single node's
reason; a stored series keeps being accepted after the limit is reached; another tenant is unaffected; a line past
the future window is refused by the collector as one node refuses it; the same for log streams; and once the claims are read, a collector warns the tenant's OTLP clients as the single node
words it."""

import os
import re
import struct
import threading
import time

import pytest
import requests

from conftest import wait_for
from test_cluster import ClusterNode, NATSCluster, field, settled, snappy_literal, varint

LIMIT = 12
STREAMS = 3
LIMITED = "limited"
OTHER = "unlimited"


def remote_write(series):
    """A remote-write 1.0 request of `series`: (labels, [(timestamp ms, value)]) pairs."""
    body = b""
    for labels, samples in series:
        encoded = b"".join(field(1, field(1, name.encode()) + field(2, value.encode()))
                           for name, value in sorted({"__name__": "limit_test", **labels}.items()))
        for timestamp, value in samples:
            encoded += field(2, b"\x09" + struct.pack("<d", value) + b"\x10" + varint(timestamp))
        body += field(1, encoded)
    return snappy_literal(body)


def write(node, tenant, series):
    answer = requests.post(
        f"{node.otlp}/api/v1/write", data=remote_write(series), timeout=30,
        headers={"X-Scope-OrgID": tenant, "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                 "X-Prometheus-Remote-Write-Version": "0.1.0"})
    assert answer.status_code == 204, answer.text


def fresh(run, count, samples=2):
    now = int(time.time() * 1000)
    return [({"run": run, "series": str(s)}, [(now - (samples - i) * 1000, float(i)) for i in range(samples)])
            for s in range(count)]


def stored(node, tenant):
    """Each stored limit_test series (run, series) → its sample count, read through `node` (a query node)."""
    answer = requests.get(f"{node.api}/api/v1/query", headers={"X-Scope-OrgID": tenant}, timeout=30,
                          params={"query": "count_over_time(limit_test[10m])"})
    assert answer.status_code == 200, answer.text
    return {(r["metric"]["run"], r["metric"]["series"]): int(r["value"][1]) for r in answer.json()["data"]["result"]}


def discarded(nodes, signal, reason):
    """The owners' discards, summed over the nodes: `lumen_ingest_rejected_total{protocol="cluster"}`."""
    total = 0
    for node in nodes:
        for line in requests.get(f"{node.api}/metrics", timeout=10).text.splitlines():
            if line.startswith("lumen_ingest_rejected_total{") and 'protocol="cluster"' in line \
                    and f'signal="{signal}"' in line and f'reason="{reason}"' in line:
                total += int(float(line.split()[-1]))
    return total


def otlp_logs(hosts, run):
    now = time.time_ns()
    return {"resourceLogs": [
        {"resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "limits-test"}},
            {"key": "host.name", "value": {"stringValue": f"host-{h}"}}]},
         "scopeLogs": [{"logRecords": [{"timeUnixNano": str(now - 1_000_000), "severityNumber": 9,
                                         "severityText": "INFO", "body": {"stringValue": f"{run} host-{h}"}}]}]}
        for h in hosts]}


@pytest.mark.parametrize("block_store", [False, True], ids=["one-store", "block-store"])
def test_a_tenant_is_held_to_its_limits_cluster_wide_and_another_is_not(tmp_path, block_store):
    """Without a block store each node applies its partitions to its one store; with one, to a store per partition
    (flushed an hour away here: a flush empties the heads the limits count)."""
    directory = str(tmp_path)
    nats = NATSCluster(directory).start()
    shared = os.path.join(directory, "shared") if block_store else None
    nodes = [ClusterNode(os.path.join(directory, f"node-{i}"), f"node-{i}", nats.urls,
                         roles=("collector", "storage", "query"), rules=False, block_store=shared,
                         flush_interval="1h") for i in range(3)]
    for node in nodes:
        with open(os.path.join(os.path.dirname(node.data_dir), "lumen.yaml"), "a") as config:
            config.write(f"limits:\n  tenants:\n    {LIMITED}:\n      max_active_series: {LIMIT}\n"
                         f"      max_active_log_streams: {STREAMS}\n")
    try:
        for node in nodes:
            node.start()
        wait_for(lambda: settled(nodes), timeout=30, interval=0.5)

        # 30 new series, 10 to each collector at once: they land in every partition, on every owner.
        writers = [threading.Thread(target=write, args=(node, LIMITED, fresh(f"burst-{i}", 10)))
                   for i, node in enumerate(nodes)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        held = stored(nodes[1], LIMITED)
        assert len(held) == LIMIT, held
        assert all(count == 2 for count in held.values()), held
        wait_for(lambda: discarded(nodes, "samples", "max_active_series") == (30 - LIMIT) * 2, timeout=10)

        # At the limit, a stored series is still accepted; three new ones are not.
        (run, series) = sorted(held)[0]
        now = int(time.time() * 1000)
        write(nodes[2], LIMITED, [({"run": run, "series": series}, [(now, 7.0)])] + fresh("after", 3))
        after = stored(nodes[0], LIMITED)
        assert set(after) == set(held), after
        assert after[(run, series)] == 3, after
        assert discarded(nodes, "samples", "max_active_series") == (30 - LIMIT) * 2 + 3 * 2

        # Another tenant, under the default limits, keeps everything.
        write(nodes[0], OTHER, fresh("other", 30))
        assert len(stored(nodes[2], OTHER)) == 30

        # A limit on what a request holds is checked at the edge and answered as one node answers it: a line two
        # hours ahead of the clock is past the future window.
        ahead = otlp_logs([0], "ahead")
        ahead["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["timeUnixNano"] = str(time.time_ns() + 7200 * 10**9)
        answer = requests.post(f"{nodes[1].otlp}/v1/logs", json=ahead, headers={"X-Scope-OrgID": OTHER}, timeout=30)
        assert answer.status_code == 200, answer.text
        partial = answer.json()["partialSuccess"]
        assert int(partial["rejectedLogRecords"]) == 1 and "future window" in partial["errorMessage"], partial

        # Log streams: six new streams (a host each), two to each collector; three are kept.
        for i, node in enumerate(nodes):
            answer = requests.post(f"{node.otlp}/v1/logs", json=otlp_logs([2 * i, 2 * i + 1], "streams"),
                                   headers={"X-Scope-OrgID": LIMITED}, timeout=30)
            assert answer.status_code == 200, answer.text
        lines = requests.get(f"{nodes[1].api}/lumen/v1/query", headers={"X-Scope-OrgID": LIMITED}, timeout=30,
                             params={"query": '{service="limits-test"}', "since": "1h", "limit": "100"})
        assert lines.status_code == 200, lines.text
        kept = sorted(record["body"] for record in lines.json()["logs"])
        assert len(kept) == STREAMS, kept
        assert discarded(nodes, "logs", "max_active_log_streams") == 6 - STREAMS

        # Once a collector has read the claims (each tick, lease TTL / 6), it warns an OTLP client of the tenant in
        # the single node's words; nothing is refused at the edge, so nothing is counted as rejected there.
        gauge = {"resourceMetrics": [{"resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "limits-test"}}]}, "scopeMetrics": [{"metrics": [{
                "name": "edge_test", "gauge": {"dataPoints": [
                    {"timeUnixNano": str(time.time_ns()), "asDouble": 1.0}]}}]}]}]}

        def warned():
            answer = requests.post(f"{nodes[0].otlp}/v1/metrics", json=gauge, headers={"X-Scope-OrgID": LIMITED},
                                   timeout=30)
            assert answer.status_code == 200, answer.text
            partial = answer.json().get("partialSuccess") or {}
            return partial if "max_active_series" in partial.get("errorMessage", "") else None

        partial = wait_for(warned, timeout=15, interval=0.5)
        assert int(partial.get("rejectedDataPoints", 0)) == 0, partial
        assert re.search(rf"the tenant has {LIMIT} active series in the cluster, the limit is {LIMIT}",
                         partial["errorMessage"]), partial
        assert len(stored(nodes[1], LIMITED)) == LIMIT
        edge = requests.get(f"{nodes[1].api}/api/v1/query", headers={"X-Scope-OrgID": LIMITED}, timeout=30,
                            params={"query": "count_over_time(edge_test[10m])"})
        assert edge.json()["data"]["result"] == [], edge.text
    finally:
        for node in nodes:
            if node.process and node.process.poll() is None:
                node.stop()
        nats.stop()
