"""Queries fan out (issue 19, item 4): three `lumen serve` nodes with every role (collector, storage, query) on a
three-server NATS cluster, on loopback. A write acknowledged by one node is read back at once — no polling —
through every node: the query node resolves the partitions' owners, sends each the read with the streams' last
sequences, and each owner answers once it has applied them (the read-your-writes barrier); the answers are merged
as on one node. A killed owner fails the queries that need it with 503, and `partial=true` answers without it,
with a warning."""


import json
import os

import pytest
import requests

from conftest import ROOT, wait_for
from test_cluster import HEADERS, PARTITIONS, send, settled, stored, three_nodes, union


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Three nodes with every role."""
    with three_nodes(str(tmp_path_factory.mktemp("cluster-queries")), roles=("collector", "storage", "query"),
                     rules=False) as nodes:
        wait_for(lambda: settled(nodes), timeout=30, interval=0.5)
        yield nodes


def test_a_write_acknowledged_by_one_node_is_read_at_once_through_every_node(nodes):
    for index, writer in enumerate(nodes):
        run = f"ryw-{index}"
        sent = send(writer, run)
        for reader in nodes:
            read, _ = union([stored(reader, run)], sent)
            assert {**read, "logs": sorted(read["logs"])} == sent, f"written to {writer.name}, read on {reader.name}"
    trace = next(iter(sent["traces"]))
    for reader in nodes:
        answer = requests.get(f"{reader.api}/lumen/v1/traces/{trace}", headers=HEADERS, timeout=30)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["spans"]) == 3


def test_the_cluster_dashboard_drawn_on_one_node_shows_every_node(nodes):
    """Lumen's own metrics name their node, and a query of them on any node reads every node: `Dashboards/
    cluster.yaml` against one node shows the partitions each of the three holds, together all of them, and the
    latency of the reads it asked of the other two."""
    path = os.path.join(ROOT, "Dashboards", "cluster.yaml")

    def panels():
        document = json.loads(nodes[1].cli("dash", path, "--since", "5m", "--format", "json"))
        return {panel["title"]: panel["data"] for panel in document["panels"]}

    def partitions_held():
        held = {series["name"]: series["points"][-1]["v"]
                for series in panels()["Partitions held by node"].get("series", [])}
        # Snapshots are taken every 15 s: wait for one of each node after the partitions settled.
        return held if set(held) == {node.name for node in nodes} and sum(held.values()) == PARTITIONS else None

    held = wait_for(partitions_held, timeout=60, interval=2)
    assert all(count > 0 for count in held.values()), held
    exposition = requests.get(f"{nodes[1].api}/metrics", timeout=10).text
    for peer in ("node-0", "node-2"):
        assert f'lumen_cluster_remote_read_duration_seconds_count{{peer="{peer}"}}' in exposition, exposition


def test_a_dead_owner_fails_the_query_unless_partial_is_asked(nodes):
    sent = send(nodes[0], "dead-owner")
    nodes[2].kill9()
    # Its leases stay until they expire (the lease TTL): meanwhile its partitions' reads cannot be answered.
    query = {"query": 'count_over_time(cluster_test_samples{run="dead-owner"}[10m])'}
    failed = requests.get(f"{nodes[1].api}/api/v1/query", params=query, headers=HEADERS, timeout=30)
    assert failed.status_code == 503, failed.text
    assert failed.json()["errorType"] == "unavailable"
    assert "node-2" in failed.json()["error"]
    partial = requests.get(f"{nodes[1].api}/api/v1/query", params={**query, "partial": "true"}, headers=HEADERS,
                           timeout=30)
    assert partial.status_code == 200, partial.text
    assert any("node-2" in warning for warning in partial.json()["warnings"]), partial.text
    assert "node-2" in partial.headers["Warning"]
    counted = {r["metric"]["series"] for r in partial.json()["data"]["result"]}
    assert counted and counted < set(sent["series"]), counted
