"""Maintenance of the shared block store (issue 19, item 5) through real `lumen serve` nodes on a three-server NATS
cluster: with owners flushing every second and `compaction_min_blocks: 2` in the ordinary `storage:` section, each
owner merges its partitions' flushes in the shared directory (the sources removed), counts it on `/metrics`, and
every acknowledged write still reads back exactly once through every node."""

import json
import os

import requests

from conftest import wait_for
from test_cluster import ClusterNode, NATSCluster, send, settled
from test_cluster_blocks import flushed_everywhere, flushes, read_once_through


def counter(nodes, name, label=""):
    """The sum over `nodes` of every series of the counter `name` on their `/metrics` whose labels hold `label`."""
    total = 0.0
    for node in nodes:
        for line in requests.get(f"{node.api}/metrics", timeout=10).text.splitlines():
            if (line.startswith(name + "{") or line.startswith(name + " ")) and label in line.split("}")[0]:
                total += float(line.split()[-1])
    return total


def test_owners_compact_their_partitions_flushes_and_every_write_still_reads_once(tmp_path):
    directory, shared = str(tmp_path), str(tmp_path / "shared")
    nats = NATSCluster(directory).start()
    nodes = [ClusterNode(os.path.join(directory, f"node-{i}"), f"node-{i}", nats.urls,
                         roles=("collector", "storage", "query"), rules=False, block_store=shared) for i in range(3)]
    try:
        for node in nodes:
            with open(os.path.join(os.path.dirname(node.data_dir), "lumen.yaml"), "a") as file:
                file.write("storage:\n  compaction_min_blocks: 2\n")
            node.start()
        wait_for(lambda: settled(nodes), timeout=30, interval=0.5)

        # Two rounds, each flushed before the next: every partition that got both has two flushes to merge.
        runs = {}
        for round in range(2):
            runs[f"round-{round}"] = send(nodes[round], f"round-{round}")
            wait_for(lambda: flushed_everywhere(nodes), timeout=30, interval=0.5)
        wait_for(lambda: counter(nodes, "lumen_cluster_shared_compactions_total") > 0, timeout=30, interval=0.5)
        # Owners keep compacting meanwhile: read the merges first, then the removals a merge counts before itself.
        compactions = counter(nodes, "lumen_cluster_shared_compactions_total")
        removed = counter(nodes, "lumen_cluster_shared_flushes_removed_total", 'reason="compacted"')
        assert removed >= 2 * compactions, (removed, compactions)
        assert counter(nodes, "lumen_cluster_shared_blocks_removed_total", 'reason="compacted"') >= removed
        # Merged blocks (a level above the flushes' own) are in the shared store; every flush name still parses.
        levels = [json.load(open(os.path.join(shared, folder, name, block, "meta.json")))["level"]
                  for folder, names in flushes(shared).items() for name in names
                  for block in os.listdir(os.path.join(shared, folder, name))]
        assert max(levels) >= 2, levels
        read_once_through(nodes, runs)
    finally:
        for node in nodes:
            if node.process and node.process.poll() is None:
                node.stop()
        nats.stop()
