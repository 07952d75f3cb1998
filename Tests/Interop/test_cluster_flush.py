"""Flushing owned partitions on demand (issue 19): three `lumen serve` nodes with every role and a shared block
store whose timed flush is an hour away, on a three-server NATS cluster. `POST /api/v1/admin/flush` on a storage
node flushes the partitions it holds, at once; a node stopped gracefully (SIGTERM) flushes each partition it holds
before it releases the lease, so the partition's flushed sequence covers everything it applied and its new owner
resumes from the shared blocks. Every write still reads once through every node."""

import time

import requests

from conftest import wait_for
from test_cluster import LEASE_TTL, send, settled, three_nodes
from test_cluster_blocks import flushes, read_once_through


def held(node):
    """Partition → (applied, flushed) sequences of what `node` holds, as it says."""
    return {p["partition"]: (p["appliedSequence"], p.get("flushedSequence") or 0)
            for p in node.cluster_status()["partitions"] if p.get("owner") == node.name}


def test_an_admin_flush_and_a_graceful_stop_flush_the_partitions_a_node_holds(tmp_path):
    shared = str(tmp_path / "shared")
    with three_nodes(str(tmp_path), roles=("collector", "storage", "query"), rules=False, block_store=shared,
                     flush_interval="1h") as nodes:
        wait_for(lambda: settled(nodes), timeout=30, interval=0.5)
        runs = {"first": send(nodes[0], "first")}
        read_once_through(nodes, runs)  # through the read barrier: every owner has applied what was acknowledged

        # Nothing is due yet; the admin flush flushes every partition each node holds, before it answers.
        before = {node.name: held(node) for node in nodes}
        assert any(applied > flushed for partitions in before.values() for applied, flushed in partitions.values())
        assert all(names == [] for names in flushes(shared).values()), flushes(shared)
        for node in nodes:
            answer = requests.post(f"{node.api}/api/v1/admin/flush", timeout=60)
            assert answer.status_code == 200, answer.text
            after = held(node)
            for partition, (applied, _) in before[node.name].items():
                assert after[partition][1] >= applied, (node.name, partition, before[node.name], after)
        assert sum(len(names) for names in flushes(shared).values()) > 0
        read_once_through(nodes, runs)

        # node-2 stops gracefully: it flushes what it applied since, then releases its partitions.
        runs["second"] = send(nodes[1], "second")
        read_once_through(nodes, runs)
        victim, survivors = nodes[2], nodes[:2]
        last = held(victim)
        unflushed = {p: applied for p, (applied, flushed) in last.items() if applied > flushed}
        assert unflushed, last
        epochs = {p["partition"]: p["epoch"] for p in victim.cluster_status()["partitions"]
                  if p.get("owner") == victim.name}
        started = time.monotonic()
        victim.stop()
        took = time.monotonic() - started
        print(f"{victim.name} stopped in {took:.1f} s, flushing partitions {sorted(unflushed)}")
        assert took < LEASE_TTL + 10, f"stopping took {took:.1f} s"
        status = {p["partition"]: p for p in survivors[0].cluster_status()["partitions"]}
        for partition, applied in unflushed.items():
            assert status[partition]["flushedSequence"] >= applied, (partition, applied, status[partition])
            names = flushes(shared).get(f"p{partition:02d}", [])
            assert any(name.split("-")[2] == f"e{epochs[partition]}" and int(name.split("-")[1]) >= applied
                       for name in names), (partition, applied, epochs[partition], names)

        wait_for(lambda: settled(survivors), timeout=LEASE_TTL * 4 + 10, interval=0.25)
        runs["after-stop"] = send(survivors[0], "after-stop")
        read_once_through(survivors, runs)
