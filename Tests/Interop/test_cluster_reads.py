"""What a query node's fan-out carries (issue 19, item 4): three `lumen serve` nodes with every role on three
nats-servers, beside a single `lumen serve` fed the same Loki pushes.

- Log reads are paged: a query with a limit carries about that limit from each owner (counted by the query node
  on `/metrics`, `lumen_cluster_remote_read_items_total{peer}`), forward and backward, and answers exactly as
  the single node; filtered queries, the native API and metrics over logs, which need more, page through owners
  and answer as the single node too.
- Warnings cross nodes: a page of one owner's block damaged on disk is left out of every node's answer with the
  warning the owner gives itself (the block, the signal, the missing range), once, and the data left is the
  single node's minus that page."""

import os
import re
import time
from datetime import datetime, timezone

import pytest
import requests

from conftest import LumenProcess, wait_for
from test_cluster import settled, three_nodes

TENANT = "cluster-reads"
DAMAGE_TENANT = "cluster-reads-damage"
STREAMS = 12
LINES = 1000
LIMIT = 100


def push(nodes, tenant, job, lines, start):
    """`lines` lines in each of `STREAMS` streams (`job`, `host`), every line at a time of its own, pushed to
    every server in `nodes`."""
    streams = [{"stream": {"job": job, "host": f"host-{h}"},
                "values": [[str(start + (i * STREAMS + h) * 1_000_000), f"{job} host {h} line {i}"]
                           for i in range(lines)]} for h in range(STREAMS)]
    for node in nodes:
        answer = requests.post(f"{node.otlp}/loki/api/v1/push", json={"streams": streams},
                               headers={"X-Scope-OrgID": tenant}, timeout=60)
        assert answer.status_code == 204, answer.text


def get(node, path, tenant=TENANT, **params):
    answer = requests.get(f"{node.api}{path}", params=params, headers={"X-Scope-OrgID": tenant}, timeout=60)
    assert answer.status_code == 200, f"{node.name if hasattr(node, 'name') else 'single'} {path}: {answer.text}"
    return answer


def lines(answer):
    """A Loki streams answer as (labels, time, line) in the order given, and its warnings."""
    body = answer.json()
    found = [(tuple(sorted(stream["stream"].items())), int(t), line)
             for stream in body["data"]["result"] for t, line in stream["values"]]
    return found, body.get("warnings", [])


def items_from(node, what="items"):
    """The items (or bytes) `node` received from each peer so far."""
    exposition = requests.get(f"{node.api}/metrics", timeout=10).text
    return {peer: float(value) for peer, value in
            re.findall(rf'lumen_cluster_remote_read_{what}_total\{{peer="([^"]+)"\}} (\S+)', exposition)}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("cluster-reads"))
    single = LumenProcess(os.path.join(directory, "single", "data"))
    os.makedirs(os.path.dirname(single.data_dir))
    single.start()
    try:
        with three_nodes(directory, roles=("collector", "storage", "query"), rules=False) as nodes:
            wait_for(lambda: settled(nodes), timeout=30, interval=0.5)
            yield nodes, single
    finally:
        single.stop()


@pytest.fixture(scope="module")
def paged(servers):
    nodes, single = servers
    start = time.time_ns() - 3_600_000_000_000
    push([nodes[0], single], TENANT, "paging", LINES, start)
    return nodes, single, start - 1, start + LINES * STREAMS * 1_000_000 + 1


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_limited_log_query_carries_about_its_limit_from_each_owner(paged, direction):
    nodes, single, start, end = paged
    reader = nodes[1]
    query = {"query": '{job="paging"}', "start": str(start), "end": str(end), "limit": str(LIMIT),
             "direction": direction}
    expected, _ = lines(get(single, "/loki/api/v1/query_range", **query))
    assert len(expected) == LIMIT
    before, bytes_before = items_from(reader), items_from(reader, "bytes")
    found, warnings = lines(get(reader, "/loki/api/v1/query_range", **query))
    after, bytes_after = items_from(reader), items_from(reader, "bytes")
    assert found == expected and warnings == []
    carried = {peer: after[peer] - before.get(peer, 0) for peer in after}
    print(f"{direction}, limit {LIMIT}: records {carried}, bytes "
          f"{ {peer: bytes_after[peer] - bytes_before.get(peer, 0) for peer in bytes_after} }")
    # The other owners hold thousands of the 12,000 lines; each sends its first page, the limit (an owner of none
    # of these streams sends nothing).
    assert set(carried) <= {"node-0", "node-2"} and sum(carried.values()) > 0, carried
    assert all(count <= LIMIT for count in carried.values()), carried


def test_reads_that_need_more_page_through_the_owners_and_answer_as_one_node(paged):
    nodes, single, start, end = paged
    checks = [
        # A regular expression the owners cannot prune by: pages until 50 lines pass, either way.
        ("/loki/api/v1/query_range", {"query": '{job="paging"} |~ "line [0-9]*7$"', "limit": "50",
                                      "direction": "forward"}),
        ("/loki/api/v1/query_range", {"query": '{job="paging"} |~ "line [0-9]*7$"', "limit": "50"}),
        # More than one page of every owner.
        ("/loki/api/v1/query_range", {"query": '{job="paging"}', "limit": "5000", "direction": "forward"}),
        # Metrics over logs read every line, in pages.
        ("/loki/api/v1/query_range", {"query": 'sum by (host) (count_over_time({job="paging"}[2h]))',
                                      "step": "3600"}),
        ("/loki/api/v1/query_range", {"query": 'sum(count_over_time({job="paging"} |~ "7$" [2h]))', "step": "3600"}),
    ]
    for path, params in checks:
        params = {**params, "start": str(start), "end": str(end)}
        expected = get(single, path, **params).json()["data"]["result"]
        for node in nodes:
            before = items_from(node)
            assert get(node, path, **params).json()["data"]["result"] == expected, f"{node.name} {params}"
            after = items_from(node)
            print(f"{node.name} {params['query']} limit {params.get('limit')}: records "
                  f"{ {peer: after[peer] - before.get(peer, 0) for peer in after} }")
    native = {"query": '{job="paging"} |= "line 99"', "since": "2h", "limit": "30"}
    expected = records(get(single, "/lumen/v1/query", **native))
    assert len(expected) == 30
    for node in nodes:
        assert records(get(node, "/lumen/v1/query", **native)) == expected, node.name


def records(answer):
    """A native log answer's records, without the time each server received them."""
    return [{key: value for key, value in record.items() if key != "observedTimeUnixNano"}
            for record in answer.json()["logs"]]


def rfc3339(text):
    """Nanoseconds since the epoch of Lumen's RFC 3339 time with nine decimals."""
    seconds, fraction = text.rstrip("Z").split(".")
    moment = datetime.strptime(seconds, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(moment.timestamp()) * 1_000_000_000 + int(fraction)


def test_an_owners_damaged_page_is_warned_of_through_every_node_as_on_one_node(servers):
    nodes, single = servers
    start = time.time_ns() - 1_800_000_000_000
    push([nodes[0], single], DAMAGE_TENANT, "damage", 50, start)
    query = {"query": '{job="damage"}', "start": str(start - 1), "end": str(start + 10**12), "limit": "5000"}
    complete, _ = lines(get(single, "/loki/api/v1/query_range", DAMAGE_TENANT, **query))
    assert len(complete) == 50 * STREAMS
    for node in nodes:
        assert requests.post(f"{node.api}/api/v1/admin/flush", timeout=60).status_code in (200, 204)

    def tenant_blocks(node):
        blocks = os.path.join(node.data_dir, "blocks")
        return [os.path.join(blocks, name) for name in sorted(os.listdir(blocks))
                if os.path.exists(os.path.join(blocks, name, "logs", "pages"))
                and DAMAGE_TENANT in open(os.path.join(blocks, name, "meta.json")).read()]

    # One byte flipped in the middle of an owner's log pages of the tenant's block, while it runs: blocks are
    # mapped, so its next read meets the damage.
    owner = next(node for node in nodes if tenant_blocks(node))
    mine = tenant_blocks(owner)
    assert len(mine) == 1, mine
    pages = os.path.join(mine[0], "logs", "pages")
    with open(pages, "r+b") as file:
        file.seek(os.path.getsize(pages) // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0x5A]))

    answers = [get(node, "/loki/api/v1/query_range", DAMAGE_TENANT, **query) for node in nodes]
    own, own_warnings = lines(answers[nodes.index(owner)])
    assert len(own_warnings) == 1, own_warnings
    warning = own_warnings[0]
    assert f"block {os.path.basename(mine[0])} (logs)" in warning, warning
    for node, answer in zip(nodes, answers):
        # The owner reads its store itself; the others receive its warning with its reply.
        assert lines(answer) == (own, [warning]), node.name
        assert warning.replace('"', "'") in answer.headers["Warning"], node.name
    missing = set(complete) - set(own)
    assert set(own) < set(complete) and missing, "the damaged page cost nothing"
    low, high = (rfc3339(moment) for moment in re.search(r"missing (\S+) to (\S+) ", warning).groups())
    assert all(low <= t <= high for _, t, _ in missing), (low, high, sorted(t for _, t, _ in missing)[:3])
    assert len({labels for labels, _, _ in missing}) == 1, "a page holds one stream's lines"

    # The same through a metric over logs and the native API.
    count = {"query": 'sum(count_over_time({job="damage"}[1h]))', "time": str(start + 10**12)}
    expected = int(get(single, "/loki/api/v1/query", DAMAGE_TENANT, **count).json()["data"]["result"][0]["value"][1])
    native = {"query": '{job="damage"}', "since": "1h", "limit": "5000"}
    for node in nodes:
        answer = get(node, "/loki/api/v1/query", DAMAGE_TENANT, **count).json()
        assert int(answer["data"]["result"][0]["value"][1]) == expected - len(missing), node.name
        assert answer["warnings"] == [warning], node.name
        answer = get(node, "/lumen/v1/query", DAMAGE_TENANT, **native).json()
        assert len(answer["logs"]) == len(own) and answer["warnings"] == [warning], node.name
