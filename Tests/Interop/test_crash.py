"""Durability: every write acknowledged before `kill -9` is there after a restart."""

import json
import threading
import time
import uuid

import requests

from conftest import LumenProcess

SENDERS = 8


def payloads(n, now_ns):
    """One span, one log record carrying its trace ID, and one sample of a per-sender counter."""
    trace_id = uuid.uuid4().hex
    span_id = uuid.uuid4().hex[:16]
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": "crash-test"}}]}
    traces = {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [{
        "traceId": trace_id, "spanId": span_id, "name": f"request {n}", "kind": 2,
        "startTimeUnixNano": str(now_ns), "endTimeUnixNano": str(now_ns + 1_000_000)}]}]}]}
    logs = {"resourceLogs": [{"resource": resource, "scopeLogs": [{"logRecords": [{
        "timeUnixNano": str(now_ns), "severityNumber": 9, "body": {"stringValue": f"log of request {n}"},
        "traceId": trace_id, "spanId": span_id}]}]}]}
    return trace_id, traces, logs


def metric(sender, value, now_ns):
    return {"resourceMetrics": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "crash-test"}}]}, "scopeMetrics": [{"metrics": [{
            "name": "crash_writes", "gauge": {"dataPoints": [{
                "attributes": [{"key": "sender", "value": {"stringValue": str(sender)}}],
                "timeUnixNano": str(now_ns), "asDouble": value}]}}]}]}]}


def test_acknowledged_writes_survive_kill_9(tmp_path):
    server = LumenProcess(str(tmp_path / "data")).start()
    acknowledged = {"traces": [], "samples": {}}
    lock = threading.Lock()
    stop = threading.Event()

    def send(sender):
        session = requests.Session()
        n = 0
        while not stop.is_set():
            n += 1
            now = time.time_ns()
            trace_id, traces, logs = payloads(n, now)
            try:
                ok_traces = session.post(f"{server.otlp}/v1/traces", json=traces, timeout=5).status_code == 200
                ok_logs = session.post(f"{server.otlp}/v1/logs", json=logs, timeout=5).status_code == 200
                ok_metric = session.post(f"{server.otlp}/v1/metrics", json=metric(sender, n, now),
                                         timeout=5).status_code == 200
            except requests.RequestException:
                return  # the server is gone: nothing sent from here on was acknowledged
            with lock:
                if ok_traces and ok_logs:
                    acknowledged["traces"].append(trace_id)
                if ok_metric:
                    acknowledged["samples"][sender] = (now, n)

    threads = [threading.Thread(target=send, args=(sender,)) for sender in range(SENDERS)]
    for thread in threads:
        thread.start()
    deadline = time.time() + 20
    while time.time() < deadline and len(acknowledged["traces"]) < 300:
        time.sleep(0.05)
    server.kill9()  # mid-flight: senders are still writing
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged["traces"]) >= 100, "too few writes acknowledged to prove anything"

    server.start()
    try:
        for trace_id in acknowledged["traces"]:
            response = requests.get(f"{server.api}/lumen/v1/traces/{trace_id}", timeout=5)
            assert response.status_code == 200, f"acknowledged trace {trace_id} lost"
            document = response.json()
            assert len(document["spans"]) == 1 and len(document["logs"]) == 1
        for sender, (time_ns, value) in acknowledged["samples"].items():
            response = requests.get(f"{server.api}/api/v1/query", params={
                "query": f'crash_writes{{sender="{sender}"}}', "time": f"{time_ns / 1e9 + 0.001:.6f}"}, timeout=5)
            result = response.json()["data"]["result"]
            assert result, f"sender {sender}'s acknowledged sample lost"
            assert float(result[0]["value"][1]) >= value
    finally:
        server.stop()
