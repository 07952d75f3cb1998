"""Back-pressure: under sustained overload Lumen answers 429/503 with Retry-After, its memory stays under the
configured ceiling, it stays up, and everything it acknowledged is there."""

import threading
import time
import uuid

import requests

from conftest import LumenProcess

SENDERS = 12
SECONDS = 12
# On a slow or busy machine the senders fill memory more slowly: keep going, up to this long, until both kinds of
# push-back have been seen.
MAX_SECONDS = 90


def spans_body(count):
    now = time.time_ns()
    trace_ids = [uuid.uuid4().hex for _ in range(count)]
    spans = [{"traceId": trace_id, "spanId": uuid.uuid4().hex[:16], "name": "x" * 200, "kind": 2,
              "startTimeUnixNano": str(now), "endTimeUnixNano": str(now + 1000),
              "attributes": [{"key": f"k{i}", "value": {"stringValue": "v" * 100}} for i in range(20)]}
             for trace_id in trace_ids]
    return trace_ids, {"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "overload"}}]}, "scopeSpans": [{"spans": spans}]}]}


def test_sustained_overload_is_pushed_back_within_the_memory_ceiling(tmp_path):
    probe = LumenProcess(str(tmp_path / "probe")).start()
    baseline = probe.resident_bytes()
    probe.stop()
    ceiling = baseline + 48 * 1024 * 1024
    config = tmp_path / "lumen.yaml"
    config.write_text(f"overload:\n  max_in_flight_bytes: 4000000\n  memory_ceiling_bytes: {ceiling}\n")
    server = LumenProcess(str(tmp_path / "data"), ["--config", str(config)]).start()

    statuses = {}
    acknowledged = []
    retry_after_missing = []
    lock = threading.Lock()
    stop = threading.Event()
    peak = [0]

    def send():
        session = requests.Session()
        while not stop.is_set():
            trace_ids, body = spans_body(200)
            response = session.post(f"{server.otlp}/v1/traces", json=body, timeout=30)
            with lock:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 200:
                    acknowledged.extend(trace_ids[:1])
                elif "Retry-After" not in response.headers:
                    retry_after_missing.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    started = time.time()
    while time.time() < started + MAX_SECONDS:
        peak[0] = max(peak[0], server.resident_bytes())
        with lock:
            pushed_back = statuses.get(429, 0) > 0 and statuses.get(503, 0) > 0
        if pushed_back and time.time() >= started + SECONDS:
            break
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()

    print(f"statuses {statuses}, peak {peak[0] >> 20} MiB, ceiling {ceiling >> 20} MiB")
    try:
        assert statuses.get(200, 0) > 0, statuses
        assert statuses.get(429, 0) > 0, f"no push-back on in-flight bytes: {statuses}"
        assert statuses.get(503, 0) > 0, f"the memory ceiling was never reached: {statuses}"
        assert set(statuses) <= {200, 429, 503}, statuses
        assert not retry_after_missing
        # The ceiling is checked before each request is admitted, so the overshoot is what is in flight at once.
        assert peak[0] < ceiling + 64 * 1024 * 1024, f"peak {peak[0] >> 20} MiB, ceiling {ceiling >> 20} MiB"
        assert requests.get(f"{server.api}/ready", timeout=5).status_code == 200
        for trace_id in acknowledged[-50:]:
            assert requests.get(f"{server.api}/lumen/v1/traces/{trace_id}", timeout=5).status_code == 200
        metrics = requests.get(f"{server.api}/metrics", timeout=5).text
        assert 'reason="overload"' in metrics
    finally:
        server.stop()
