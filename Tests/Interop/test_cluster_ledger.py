"""The ledger test (issue 19): three clients send a seeded mix of OTLP spans, Loki-pushed logs and remote-write
samples to the three collectors of a three-node cluster (every role, three nats-servers, a shared block store as
`Scripts/cluster.sh` runs it, owners flushing every second) and write down every batch a collector acknowledged
(2xx). Meanwhile one storage node is killed with SIGKILL (its partitions move to the
others) and later restarted on its own disk, and the NATS server leading an ingest stream is killed with SIGKILL
(and later restarted). A client retries like a real one: a 503, a timeout or a refused connection sends the same
payload again, to the next collector.

At the end every acknowledged item is queryable exactly once through every query node, and each answer — PromQL
range queries, LogQL counts, traces by ID, the service graph — equals that of a single-node Lumen (`lumen serve`
without a cluster) fed exactly the acknowledged payloads, once each, in the order they were acknowledged. The
queries read the shared blocks and the owners' unflushed heads together; the flushes happen throughout the run,
across the ownership changes (by the epochs of more than one owner).

Without a block store the same paths (takeover, a frozen owner, fan-out reads) are covered by `test_cluster.py`
and `test_cluster_queries.py`."""

import json
import os
import random
import struct
import threading
import time

import requests

from conftest import LumenProcess, wait_for
from test_cluster import HEADERS, LEASE_TTL, NATSCluster, field, settled, snappy_literal, three_nodes, varint

SEED = 19
CLIENTS = 3
TRACES_PER_REQUEST = 2
LINES_PER_REQUEST = 10
SERIES_PER_CLIENT = 6
PAUSE = 0.05  # seconds between one client's requests: bounds the ledger to what the checks read back quickly


class Ledger:
    """Acknowledged payloads, in the order they were acknowledged, with the items each carried."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []  # (path, body, headers)
        self.traces = {}  # trace ID → span IDs
        self.lines = {}  # client → lines
        self.samples = {}  # (client, series) → sample count
        self.failures = []
        self.retries = 0

    def __len__(self):
        with self.lock:
            return len(self.entries)

    def record(self, path, body, headers, items):
        kind, detail = items
        with self.lock:
            self.entries.append((path, body, headers))
            if kind == "spans":
                self.traces.update(detail)
            elif kind == "logs":
                client, count = detail
                self.lines[client] = self.lines.get(client, 0) + count
            else:
                for key in detail:
                    self.samples[key] = self.samples.get(key, 0) + 1


def span_payload(client, number, now):
    """Two services, frontend (server span, then its client call) → checkout (server span): one service-graph edge
    per trace."""
    traces, resources = {}, {"ledger-frontend": [], "ledger-checkout": []}
    for t in range(TRACES_PER_REQUEST):
        trace_id = f"{client + 1:08x}{number:012x}{t:012x}"
        ids = [f"{client + 1:04x}{number:08x}{t:02x}{s:02x}" for s in range(3)]
        start = now - 2_000_000_000
        resources["ledger-frontend"] += [
            {"traceId": trace_id, "spanId": ids[0], "name": "GET /buy", "kind": 2,
             "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 90_000_000)},
            {"traceId": trace_id, "spanId": ids[1], "parentSpanId": ids[0], "name": "checkout", "kind": 3,
             "startTimeUnixNano": str(start + 10_000_000), "endTimeUnixNano": str(start + 80_000_000)}]
        resources["ledger-checkout"].append(
            {"traceId": trace_id, "spanId": ids[2], "parentSpanId": ids[1], "name": "checkout", "kind": 2,
             "startTimeUnixNano": str(start + 20_000_000), "endTimeUnixNano": str(start + 70_000_000),
             **({"status": {"code": 2}} if number % 7 == 0 else {})})
        traces[trace_id] = sorted(ids)
    body = {"resourceSpans": [
        {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
         "scopeSpans": [{"spans": spans}]} for service, spans in resources.items()]}
    return "/v1/traces", json.dumps(body).encode(), {"Content-Type": "application/json"}, ("spans", traces)


def log_payload(client, number, now):
    """Loki push: lines in two streams per client, each line unique."""
    streams = [{"stream": {"job": "ledger", "client": str(client), "level": level},
                "values": [[str(now - 1_000_000_000 + i), f"client {client} request {number} line {i}"]
                           for i in range(LINES_PER_REQUEST) if i % 2 == parity]}
               for parity, level in enumerate(("info", "error"))]
    body = json.dumps({"streams": streams}).encode()
    return "/loki/api/v1/push", body, {"Content-Type": "application/json"}, ("logs", (client, LINES_PER_REQUEST))


def sample_payload(client, number, now_ms):
    """Remote write: one sample for each of the client's series, at a time that only grows."""
    series = {f"{s}": float(client * 1000 + number * 10 + s) for s in range(SERIES_PER_CLIENT)}
    body = b""
    for name, value in series.items():
        labels = (("__name__", "ledger_samples"), ("client", str(client)), ("series", name))
        encoded = b"".join(field(1, field(1, key.encode()) + field(2, text.encode())) for key, text in labels)
        encoded += field(2, b"\x09" + struct.pack("<d", value) + b"\x10" + varint(now_ms))
        body += field(1, encoded)
    body = snappy_literal(body)
    headers = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
               "X-Prometheus-Remote-Write-Version": "0.1.0"}
    return "/api/v1/write", body, headers, ("samples", [(client, name) for name in series])


def client_loop(client, collectors, ledger, stop):
    """One client: a seeded sequence of payloads, each sent until a collector acknowledges it."""
    rng = random.Random(SEED * 100 + client)
    session = requests.Session()
    target = client
    last_ms = 0
    number = 0
    while not stop.is_set():
        number += 1
        now = time.time_ns()
        last_ms = max(now // 1_000_000, last_ms + 1)
        kind = rng.choice(("spans", "logs", "samples"))
        path, body, headers, items = (span_payload(client, number, now) if kind == "spans" else
                                      log_payload(client, number, now) if kind == "logs" else
                                      sample_payload(client, number, last_ms))
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = session.post(f"{collectors[target].otlp}{path}", data=body,
                                      headers={**HEADERS, **headers}, timeout=(2, 30))
                if 200 <= answer.status_code < 300:
                    if answer.content and b"partialSuccess" in answer.content:
                        ledger.failures.append(f"partial success: {answer.text}")
                    ledger.record(path, body, headers, items)
                    break
                if answer.status_code != 503:
                    ledger.failures.append(f"{path} answered {answer.status_code}: {answer.text}")
                    return
            except requests.RequestException:
                pass
            # Not acknowledged: the same payload again, to the next collector, as a client behind a balancer.
            ledger.retries += 1
            target = (target + 1) % len(collectors)
            if time.monotonic() > deadline:
                ledger.failures.append(f"client {client}: request {number} never acknowledged in 90 s")
                return
            time.sleep(0.2)
        time.sleep(PAUSE)


def stream_leader(nats, stream):
    """The server name (`nats-<i>`) leading `stream`, from a monitoring endpoint's `/jsz`."""
    for port in nats.monitor_ports:
        try:
            jsz = requests.get(f"http://127.0.0.1:{port}/jsz", params={"accounts": "true", "streams": "true"},
                               timeout=2).json()
        except (requests.RequestException, ValueError):
            continue
        for account in jsz.get("account_details") or []:
            for detail in account.get("stream_detail") or []:
                leader = (detail.get("cluster") or {}).get("leader")
                if detail.get("name") == stream and leader:
                    return leader
    return None


def settled_or_unknown(nodes):
    """`settled(nodes)`, or None while a node cannot read the cluster's state (503: NATS electing a leader, or a
    restarted server catching up)."""
    try:
        return settled(nodes)
    except AssertionError as error:
        if "503" in str(error):
            return None
        raise


def grows(ledger, by, timeout):
    """Waits until `by` more batches are acknowledged."""
    target = len(ledger) + by
    wait_for(lambda: len(ledger) >= target, timeout=timeout, interval=0.1)


def flush_epochs(shared):
    """Partition folder → the owners' epochs of the committed flushes in the shared block store."""
    epochs = {}
    for folder in sorted(os.listdir(shared)) if os.path.isdir(shared) else []:
        for name in os.listdir(os.path.join(shared, folder)):
            if not name.endswith(".tmp"):
                epochs.setdefault(folder, set()).add(name.split("-")[2])
    return epochs


def answers_of(node, window):
    """The answers compared, by name: PromQL range queries, LogQL counts, the log lines, the service graph."""
    start, end = window
    whole = f"{end - start + 5}s"
    queries = {
        "samples": ("/api/v1/query_range", "ledger_samples"),
        "sample counts": ("/api/v1/query_range", f"count_over_time(ledger_samples[{whole}])"),
        "sample rates": ("/api/v1/query_range", "sum by (client) (rate(ledger_samples[1m]))"),
        "line counts": ("/loki/api/v1/query_range",
                        f'sum by (client, level) (count_over_time({{job="ledger"}}[{whole}]))'),
        "filtered line counts": ("/loki/api/v1/query_range",
                                 'sum by (client) (count_over_time({job="ledger"} |= "line 3" [30s]))'),
    }

    def get(path, params):
        return query(node, path, params).json()

    answers = {name: get(path, {"query": query, "start": str(start), "end": str(end), "step": "5"})["data"]["result"]
               for name, (path, query) in queries.items()}
    lines = get("/loki/api/v1/query_range", {"query": '{job="ledger"}', "start": str(start), "end": str(end),
                                              "limit": "5000", "direction": "forward"})["data"]["result"]
    answers["lines"] = sorted((json.dumps(stream["stream"], sort_keys=True), stream["values"]) for stream in lines)
    answers["service graph"] = get("/lumen/v1/service-graph", {"start": str(start), "end": str(end)})["data"]
    return answers


def query(node, path, params=None):
    """A 200 answer to a GET, as a client gets it: a 503 (a partition moving between owners) is asked again after
    its Retry-After, for at most 20 s."""
    deadline = time.monotonic() + 20
    while True:
        answer = requests.get(f"{node.api}{path}", params=params, headers=HEADERS, timeout=60)
        if answer.status_code != 503 or time.monotonic() > deadline:
            assert answer.status_code == 200, f"{node.api}{path} {params}: {answer.status_code} {answer.text}"
            return answer
        print(f"{node.name}: 503 {answer.text[:200]}, asked again")
        time.sleep(float(answer.headers.get("Retry-After", "1")))


def trace_spans(node, trace_id):
    answer = query(node, f"/lumen/v1/traces/{trace_id}")
    return sorted(span["spanId"] for span in answer.json()["spans"])


def test_every_acknowledged_write_survives_a_storage_node_and_a_stream_leader_killed(tmp_path):
    nats = NATSCluster(str(tmp_path)).start()
    shared = str(tmp_path / "shared")
    with three_nodes(str(tmp_path), nats=nats, roles=("collector", "storage", "query"), rules=False,
                     block_store=shared) as nodes:
        wait_for(lambda: settled_or_unknown(nodes), timeout=30, interval=0.5)
        ledger, stop = Ledger(), threading.Event()
        window_start = int(time.time()) - 5
        clients = [threading.Thread(target=client_loop, args=(c, nodes, ledger, stop), daemon=True)
                   for c in range(CLIENTS)]
        for client in clients:
            client.start()
        try:
            grows(ledger, 30, timeout=30)

            # A storage node dies; the survivors take its partitions over while the clients keep sending.
            victim, survivors = nodes[2], nodes[:2]
            victim.kill9()
            wait_for(lambda: settled_or_unknown(survivors), timeout=LEASE_TTL * 4 + 10, interval=0.25)
            grows(ledger, 30, timeout=30)

            # The NATS server leading an ingest stream dies: publishes to that stream wait for a new leader.
            leader = wait_for(lambda: stream_leader(nats, "LUMEN_INGEST_0"), timeout=10)
            killed = int(leader.rsplit("-", 1)[1])
            nats.kill9(killed)
            killed_at = len(ledger)
            grows(ledger, 30, timeout=60)
            assert wait_for(lambda: stream_leader(nats, "LUMEN_INGEST_0") not in (None, leader), timeout=30)
            print(f"stream leader {leader} killed after {killed_at} acknowledged batches")

            nats.restart(killed)
            victim.start()
            # A restarted nats-server catches up on the streams before it serves them again ("stream not found"
            # meanwhile, which stops an applier until its partition is acquired afresh).
            wait_for(lambda: settled_or_unknown(nodes), timeout=LEASE_TTL * 4 + 45, interval=0.25)
            grows(ledger, 30, timeout=30)
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=120)
        assert ledger.failures == [], ledger.failures[:5]
        # The owners flushed during the run, the killed node's partitions under more than one epoch.
        epochs = flush_epochs(shared)
        assert sum(1 for found in epochs.values() if len(found) > 1) > 0, epochs
        window_end = int(time.time()) + 5
        window = (window_start, window_end)
        print(f"ledger: {len(ledger.entries)} acknowledged batches, {len(ledger.traces)} traces, "
              f"{sum(ledger.lines.values())} lines, {sum(ledger.samples.values())} samples, {ledger.retries} retries")

        # The single node, fed exactly what was acknowledged, once, in the order acknowledged.
        (tmp_path / "single").mkdir()
        single = LumenProcess(str(tmp_path / "single" / "data")).start()
        try:
            session = requests.Session()
            for path, body, headers in ledger.entries:
                answer = session.post(f"{single.otlp}{path}", data=body, headers={**HEADERS, **headers}, timeout=30)
                assert 200 <= answer.status_code < 300, answer.text
            expected = answers_of(single, window)
            expected_traces = {trace_id: trace_spans(single, trace_id) for trace_id in ledger.traces}
        finally:
            single.stop()

        # The single node holds the ledger exactly: every sample, line and span once.
        samples = {(r["metric"]["client"], r["metric"]["series"]): int(r["values"][-1][1])
                   for r in expected["sample counts"]}
        assert samples == {(str(c), s): n for (c, s), n in ledger.samples.items()}
        lines = {}
        for r in expected["line counts"]:
            lines[int(r["metric"]["client"])] = lines.get(int(r["metric"]["client"]), 0) + int(r["values"][-1][1])
        assert lines == ledger.lines
        assert sum(len(values) for _, values in expected["lines"]) == sum(ledger.lines.values())
        assert expected_traces == ledger.traces
        edges = {(e["caller"], e["callee"]): e["calls"] for e in expected["service graph"]["edges"]}
        assert edges == {("ledger-frontend", "ledger-checkout"): len(ledger.traces)}, edges

        # Every query node answers as the single node does.
        wait_for(lambda: settled_or_unknown(nodes), timeout=LEASE_TTL * 4 + 10, interval=0.25)
        differences = {}
        for node in nodes:
            got = answers_of(node, window)
            # Both answers side by side, for whoever reads a failure.
            (tmp_path / f"answers-{node.name}.json").write_text(json.dumps({"got": got, "single": expected}, indent=1))
            for name, answer in expected.items():
                if got[name] != answer:
                    differences.setdefault(name, []).append(node.name)
            for trace_id, spans in expected_traces.items():
                if trace_spans(node, trace_id) != spans:
                    differences.setdefault(f"trace {trace_id}", []).append(node.name)
        assert differences == {}, f"these answers differ from the single node's (see answers-*.json): {differences}"
