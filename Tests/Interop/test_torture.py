"""Crash torture with a ledger: `kill -9` at random moments, again and again, while spans, logs and samples are
written and the head is cut, blocks are compacted and expired blocks are deleted; every acknowledged write
must be readable exactly once at the end, and every restart must succeed.

A request that got no answer (the server died under it) is sent again, unchanged, after the restart, as a
client's retry would be: it may have been stored before the kill, so "exactly once" covers it too.

CI runs LUMEN_TORTURE_KILLS=10 (the default); `Scripts/torture.sh` runs the long version.
"""

import os
import random
import threading
import time
import uuid

import requests

from conftest import LumenProcess, keep_posting

KILLS = int(os.environ.get("LUMEN_TORTURE_KILLS", "10"))
SENDERS = 3
RESOURCE = {"attributes": [{"key": "service.name", "value": {"stringValue": "torture"}}]}
TWO_DAYS_NS = 2 * 24 * 3600 * 1_000_000_000


def trace_request(trace_id, span_id, n, time_ns):
    return "/v1/traces", {"resourceSpans": [{"resource": RESOURCE, "scopeSpans": [{"spans": [{
        "traceId": trace_id, "spanId": span_id, "name": f"request {n}", "kind": 2,
        "startTimeUnixNano": str(time_ns), "endTimeUnixNano": str(time_ns + 1_000_000)}]}]}]}


def log_request(trace_id, span_id, n, time_ns):
    return "/v1/logs", {"resourceLogs": [{"resource": RESOURCE, "scopeLogs": [{"logRecords": [{
        "timeUnixNano": str(time_ns), "severityNumber": 9, "body": {"stringValue": f"log of request {n}"},
        "traceId": trace_id, "spanId": span_id}]}]}]}


def sample_request(sender, n, time_ns):
    return "/v1/metrics", {"resourceMetrics": [{"resource": RESOURCE, "scopeMetrics": [{"metrics": [{
        "name": "torture_writes", "gauge": {"dataPoints": [{
            "attributes": [{"key": "sender", "value": {"stringValue": str(sender)}}],
            "timeUnixNano": str(time_ns), "asDouble": n}]}}]}]}]}


class Ledger:
    """What the server acknowledged, and what it has not answered yet (to be sent again after a restart)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.traces = set()   # trace IDs whose span was acknowledged
        self.logs = set()     # trace IDs whose log record was acknowledged
        self.samples = {}     # sender → values acknowledged
        self.unanswered = []  # (kind, key, path, body, headers)
        self.refusals = []    # answers that are neither an acknowledgement nor "try again"

    def send(self, session, server, request):
        kind, key, path, body, headers = request
        try:
            status = session.post(server.otlp + path, json=body, headers=headers, timeout=10).status_code
        except requests.RequestException:
            status = None
        with self.lock:
            if status == 200:
                if kind == "trace":
                    self.traces.add(key)
                elif kind == "log":
                    self.logs.add(key)
                elif kind == "sample":
                    self.samples.setdefault(key[0], set()).add(key[1])
            elif status is None or status in (429, 503):
                self.unanswered.append(request)
            else:
                self.refusals.append((status, path))
        return status is not None

    def take_unanswered(self):
        with self.lock:
            requests_, self.unanswered = self.unanswered, []
            return requests_


def writes(sender, counter, lock):
    """An endless stream of requests from one sender: a span, its log record, a sample; and now and then a
    span two days old in the tenant `expiring`, so that retention has blocks to delete."""
    while True:
        with lock:
            counter[0] += 1
            n = counter[0]
        now = time.time_ns()
        trace_id, span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
        yield ("trace", trace_id, *trace_request(trace_id, span_id, n, now), {})
        yield ("log", trace_id, *log_request(trace_id, span_id, n, now), {})
        yield ("sample", (sender, n), *sample_request(sender, n, now), {})
        if n % 10 == 0:
            old = uuid.uuid4().hex
            yield ("expiring", old, *trace_request(old, span_id, n, now - TWO_DAYS_NS),
                   {"X-Scope-OrgID": "expiring"})


def test_every_acknowledged_write_survives_repeated_kill_9(tmp_path):
    config = tmp_path / "lumen.yaml"
    config.write_text("storage:\n  retention: 1d\n  compaction_min_blocks: 2\n")
    server = LumenProcess(str(tmp_path / "data"), extra_args=("--config", str(config)))
    ledger = Ledger()
    rng = random.Random(int(os.environ.get("LUMEN_TORTURE_SEED", "17")))
    counter, counter_lock = [0], threading.Lock()
    streams = [writes(sender, counter, counter_lock) for sender in range(SENDERS)]

    for _ in range(KILLS):
        server.start()  # never fails: a torn tail, a half-written block or checkpoint is recovered
        session = requests.Session()
        for request in ledger.take_unanswered():
            ledger.send(session, server, request)
        stop = threading.Event()

        def send(stream):
            session = requests.Session()
            while not stop.is_set():
                if not ledger.send(session, server, next(stream)):
                    return  # the server is gone; what was unanswered is sent again after the restart

        threads = [threading.Thread(target=send, args=(stream,)) for stream in streams]
        threads += [threading.Thread(target=keep_posting, args=(f"{server.api}{path}", stop))
                    for path in ("/api/v1/admin/flush", "/api/v1/admin/compact")]
        for thread in threads:
            thread.start()
        time.sleep(0.3 + rng.random() * 2)
        server.kill9()  # mid-ingest, and most likely mid-cut, mid-compaction or mid-deletion too
        stop.set()
        for thread in threads:
            thread.join()

    server.start()
    try:
        session = requests.Session()
        for _ in range(3):  # the last round's unanswered requests, as a client would retry them
            for request in ledger.take_unanswered():
                ledger.send(session, server, request)
        assert not ledger.unanswered, "the restarted server did not acknowledge the retried requests"
        assert not ledger.refusals, f"writes refused: {ledger.refusals[:5]}"
        assert len(ledger.traces) >= 20 * KILLS, "too few writes acknowledged to prove anything"

        lost, doubled = [], []
        for trace_id in ledger.traces | ledger.logs:
            response = session.get(f"{server.api}/lumen/v1/traces/{trace_id}", timeout=10)
            document = response.json() if response.status_code == 200 else {"spans": [], "logs": []}
            for key, acknowledged in (("spans", ledger.traces), ("logs", ledger.logs)):
                stored = len(document[key])
                if trace_id in acknowledged and stored == 0:
                    lost.append((key, trace_id))
                elif stored > 1:
                    doubled.append((key, trace_id, stored))
        assert not lost, f"{len(lost)} acknowledged writes lost, e.g. {lost[:3]}"
        assert not doubled, f"{len(doubled)} writes stored more than once, e.g. {doubled[:3]}"

        for sender, values in ledger.samples.items():
            response = session.get(f"{server.api}/api/v1/query", params={
                "query": f'torture_writes{{sender="{sender}"}}[1d]'}, timeout=10).json()
            stored = [float(value) for _, value in response["data"]["result"][0]["values"]]
            assert len(stored) == len(set(stored)), f"sender {sender}: a sample stored twice"
            missing = {float(n) for n in values} - set(stored)
            assert not missing, f"sender {sender}: {len(missing)} acknowledged samples lost"

        status = session.get(f"{server.api}/lumen/v1/status", timeout=10).json()
        assert status["blocks"]["count"] >= 1, "the test must have cut blocks to prove anything"
        log = (tmp_path / "serve.log").read_text()
        assert "deleted a block past retention" in log, "retention must have run to prove anything"
        print(f"\ntorture: {KILLS} kills, {len(ledger.traces)} spans, {len(ledger.logs)} log records and "
              f"{sum(len(v) for v in ledger.samples.values())} samples acknowledged; 0 lost, 0 doubled")
    finally:
        server.stop()
