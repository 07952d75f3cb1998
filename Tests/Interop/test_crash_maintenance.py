"""Durability through maintenance: `kill -9` while the head is being cut into blocks and blocks are being
compacted loses no acknowledged write and duplicates none."""

import random
import threading
import time

import requests

from conftest import LumenProcess, keep_posting
from test_crash import payloads

SENDERS = 4
ROUNDS = 3


def test_kill_9_mid_flush_and_mid_compaction_loses_and_doubles_nothing(tmp_path):
    config = tmp_path / "lumen.yaml"
    config.write_text("storage:\n  compaction_min_blocks: 2\n")
    server = LumenProcess(str(tmp_path / "data"), extra_args=("--config", str(config)))
    acknowledged = []
    lock = threading.Lock()
    rng = random.Random(7)
    sequence = [0]

    for round_number in range(ROUNDS):
        server.start()
        stop = threading.Event()

        def send():
            session = requests.Session()
            while not stop.is_set():
                with lock:
                    sequence[0] += 1
                    n = sequence[0]
                trace_id, traces, logs = payloads(n, time.time_ns())
                try:
                    ok = session.post(f"{server.otlp}/v1/traces", json=traces, timeout=5).status_code == 200
                    ok = session.post(f"{server.otlp}/v1/logs", json=logs, timeout=5).status_code == 200 and ok
                except requests.RequestException:
                    return
                if ok:
                    with lock:
                        acknowledged.append(trace_id)

        threads = [threading.Thread(target=send) for _ in range(SENDERS)]
        threads += [threading.Thread(target=keep_posting, args=(f"{server.api}{path}", stop))
                    for path in ("/api/v1/admin/flush", "/api/v1/admin/compact")]
        for thread in threads:
            thread.start()
        time.sleep(2 + rng.random() * 2)
        server.kill9()  # while flushes and compactions are running back to back
        stop.set()
        for thread in threads:
            thread.join()

    assert len(acknowledged) >= 200, "too few writes acknowledged to prove anything"
    server.start()
    try:
        status = requests.get(f"{server.api}/lumen/v1/status", timeout=5).json()
        assert status["blocks"]["count"] >= 1, "the test must have cut blocks to prove anything"
        for trace_id in acknowledged:
            response = requests.get(f"{server.api}/lumen/v1/traces/{trace_id}", timeout=5)
            assert response.status_code == 200, f"acknowledged trace {trace_id} lost"
            document = response.json()
            assert len(document["spans"]) == 1, f"trace {trace_id} has {len(document['spans'])} spans"
            assert len(document["logs"]) == 1, f"trace {trace_id} has {len(document['logs'])} logs"
    finally:
        server.stop()
