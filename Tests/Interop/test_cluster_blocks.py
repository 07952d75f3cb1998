"""Blocks in shared storage (issue 19, item 5): three `lumen serve` nodes with every role and `block_store` set to
one shared directory, on a three-server NATS cluster, on loopback. Owners flush their partitions to the shared
directory and advance each partition's flushed sequence in KV; a node killed with SIGKILL whose disk is lost is
replaced by the others, which resume after the flushed sequences; it comes back on an empty disk. Through every
node, every acknowledged write reads back exactly once: from the shared blocks, the owners' heads, or both (the
one read path drops the copy)."""

import os
import shutil
from collections import Counter

import requests

from conftest import wait_for
from test_cluster import LEASE_TTL, send, settled, stored, three_nodes, union


def flushed_everywhere(nodes):
    """Whether every partition each node holds has flushed all it applied (and some partition holds data)."""
    held = [p for node in nodes for p in node.cluster_status()["partitions"] if p.get("owner") == node.name
            and p.get("appliedSequence") is not None]
    return any(p["appliedSequence"] > 0 for p in held) and all(
        p.get("flushedSequence") == p["appliedSequence"] for p in held)


def flushes(shared):
    """The flush directories in the shared store, per partition folder."""
    if not os.path.isdir(shared):
        return {}
    return {folder: sorted(name for name in os.listdir(os.path.join(shared, folder)) if not name.endswith(".tmp"))
            for folder in sorted(os.listdir(shared))}


def read_once_through(nodes, runs):
    """Every run's writes, read through each node, are what was sent: each span, line and sample once."""
    for reader in nodes:
        for run, sent in runs.items():
            read, _ = union([stored(reader, run)], sent)
            extra = Counter(read["logs"]) - Counter(sent["logs"])
            missing = Counter(sent["logs"]) - Counter(read["logs"])
            assert {**read, "logs": sorted(read["logs"])} == sent, f"{run}, read on {reader.name}: +{extra} -{missing}"


def test_owners_flush_to_the_shared_store_and_a_node_whose_disk_is_lost_loses_nothing(tmp_path):
    shared = str(tmp_path / "shared")
    with three_nodes(str(tmp_path), roles=("collector", "storage", "query"), rules=False, block_store=shared) as nodes:
        wait_for(lambda: settled(nodes), timeout=30, interval=0.5)
        runs = {"flushed": send(nodes[0], "flushed")}
        wait_for(lambda: flushed_everywhere(nodes), timeout=30, interval=0.5)
        folders = flushes(shared)
        assert len([f for f, names in folders.items() if names]) > 1, folders
        for folder, names in folders.items():
            for name in names:
                first, last, epoch, ulid = name.split("-")
                assert 1 <= int(first) <= int(last) and epoch.startswith("e") and len(ulid) == 26, name
        # The gauge is recorded at each lease tick (TTL / 6), so it may trail the flushed record by one.
        def exported():
            return [line for node in nodes for line in requests.get(f"{node.api}/metrics", timeout=10).text.splitlines()
                    if line.startswith("lumen_cluster_partition_flushed_sequence{")]
        wait_for(lambda: any(float(line.split()[-1]) > 0 for line in exported()), timeout=LEASE_TTL * 2, interval=0.25)
        # Read once through every node: the flushed data comes from the shared blocks.
        read_once_through(nodes, runs)

        # node-2 dies with its disk: the others take its partitions and resume after the flushed sequences.
        victim, survivors = nodes[2], nodes[:2]
        victim.kill9()
        shutil.rmtree(victim.data_dir)
        runs["during-takeover"] = send(survivors[0], "during-takeover")
        wait_for(lambda: settled(survivors), timeout=LEASE_TTL * 4 + 10, interval=0.25)
        runs["after-kill"] = send(survivors[1], "after-kill")
        read_once_through(survivors, runs)

        # It comes back on an empty disk, takes its partitions back, and every write still reads once everywhere.
        victim.start()
        wait_for(lambda: settled(nodes), timeout=LEASE_TTL * 4 + 20, interval=0.5)
        runs["returned"] = send(victim, "returned")
        read_once_through(nodes, runs)
        wait_for(lambda: flushed_everywhere(nodes), timeout=30, interval=0.5)
        read_once_through(nodes, runs)
        status = requests.get(f"{nodes[0].api}/lumen/v1/cluster", timeout=10).json()
        assert all(p.get("flushedSequence") is not None for p in status["partitions"]), status
