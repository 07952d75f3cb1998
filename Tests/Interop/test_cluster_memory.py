"""A storage node past its memory ceiling (issue 19, with issue 22's ceiling): three nats-servers, a collector and
query node with the default ceiling, and a storage node whose ceiling (`overload.memory_ceiling_bytes`, 1 MiB) is
below any resident set. The collector acknowledges what it published; the storage node applies none of it — its
partitions show `paused` in `lumen cluster` — so the backlog waits in the streams, not in its memory; a read through
the query node fails with 503 naming the partitions behind, after the read barrier's wait, instead of answering
without the acknowledged writes. Restarted on its disk with room, the node applies the backlog, and every
acknowledged item is read back once."""

import os

import requests

from conftest import wait_for
from test_cluster import HEADERS, PARTITIONS, ClusterNode, NATSCluster, holds_all, send, stored

CEILING = 1 << 20


def states(node):
    return {p["state"] for p in node.cluster_status()["partitions"] if p.get("owner") == node.name}


def test_a_storage_node_past_its_memory_ceiling_pauses_and_applies_the_backlog_once_it_has_room(tmp_path):
    nats = NATSCluster(str(tmp_path)).start()
    front = ClusterNode(str(tmp_path / "front"), "front", nats.urls, roles=("collector", "query"), rules=False)
    store = ClusterNode(str(tmp_path / "store"), "store", nats.urls, roles=("storage",), rules=False)
    config = os.path.join(str(tmp_path / "store"), "lumen.yaml")
    with open(config) as file:
        roomy = file.read()
    with open(config, "a") as file:
        file.write(f"overload:\n  memory_ceiling_bytes: {CEILING}\n")
    try:
        store.start()
        front.start()
        wait_for(lambda: len([p for p in store.cluster_status()["partitions"] if p.get("owner") == "store"])
                 == PARTITIONS, timeout=30)
        assert wait_for(lambda: states(store) == {"paused"}, timeout=10)

        sent = send(front, "memory")  # acknowledged: in the streams
        status = store.cluster_status()
        assert sum(p["appliedSequence"] for p in status["partitions"]) == 0, status
        assert sum(p["lag"] or 0 for p in status["partitions"]) > 0, status
        answer = requests.get(f"{front.api}/api/v1/query", headers=HEADERS, timeout=30,
                              params={"query": 'count_over_time(cluster_test_samples{run="memory"}[10m])'})
        assert answer.status_code == 503, answer.text
        assert "has not applied its partitions' acknowledged writes" in answer.text, answer.text

        store.stop()
        with open(config, "w") as file:
            file.write(roomy)
        store.start()
        wait_for(lambda: states(store) == {"active"}, timeout=30)
        merged = wait_for(lambda: (lambda held: held if holds_all(held, sent) else None)(stored(front, "memory")),
                          timeout=30, interval=0.5)
        assert sorted(merged["logs"]) == sent["logs"], "a log line stored twice"
    finally:
        for node in (front, store):
            if node.process and node.process.poll() is None:
                node.stop()
        nats.stop()
