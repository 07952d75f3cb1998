"""Back-pressure: under sustained overload Lumen answers 429 (too much in flight) and 503 (near its memory
ceiling) with Retry-After, stays up, keeps its memory bounded and gives it back once the load stops, and everything
it acknowledged is there."""

import threading
import time
import uuid

import requests

from conftest import LumenProcess

SENDERS = 12
SECONDS = 12
# On a slow or busy machine the senders fill memory more slowly: keep going, up to this long, until the push-back
# under test has been seen.
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


def overload(server, refusal):
    """SENDERS threads post spans until `refusal` has been answered (and SECONDS have passed) or MAX_SECONDS
    pass. Returns the statuses counted, one acknowledged trace ID per acknowledged request, the statuses of
    refusals without Retry-After, and the peak resident set."""
    statuses, acknowledged, retry_after_missing, peak = {}, [], [], 0
    lock = threading.Lock()
    stop = threading.Event()

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
        peak = max(peak, server.resident_bytes())
        with lock:
            seen = statuses.get(refusal, 0) > 0
        if seen and time.time() >= started + SECONDS:
            break
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    print(f"statuses {statuses}, peak {peak >> 20} MiB")
    return statuses, acknowledged, retry_after_missing, peak


def assert_acknowledged_readable(server, acknowledged):
    assert requests.get(f"{server.api}/ready", timeout=5).status_code == 200
    for trace_id in acknowledged[-50:]:
        assert requests.get(f"{server.api}/lumen/v1/traces/{trace_id}", timeout=5).status_code == 200


def test_too_much_in_flight_is_pushed_back_with_429(tmp_path):
    config = tmp_path / "lumen.yaml"
    config.write_text("overload:\n  max_in_flight_bytes: 2000000\n")
    server = LumenProcess(str(tmp_path / "data"), ["--config", str(config)]).start()
    try:
        statuses, acknowledged, retry_after_missing, _ = overload(server, 429)
        assert statuses.get(200, 0) > 0, statuses
        assert statuses.get(429, 0) > 0, f"no push-back on in-flight bytes: {statuses}"
        assert set(statuses) <= {200, 429}, statuses
        assert not retry_after_missing
        assert_acknowledged_readable(server, acknowledged)
        assert 'reason="overload"' in requests.get(f"{server.api}/metrics", timeout=5).text
    finally:
        server.stop()


def test_near_the_memory_ceiling_ingest_is_pushed_back_with_503_and_memory_comes_back(tmp_path):
    probe = LumenProcess(str(tmp_path / "probe")).start()
    baseline = probe.resident_bytes()
    probe.stop()
    ceiling = baseline + 64 * 1024 * 1024
    ingest_limit = ceiling // 20 * 17  # ingest is refused from 85 % of the ceiling on
    config = tmp_path / "lumen.yaml"
    config.write_text(f"overload:\n  memory_ceiling_bytes: {ceiling}\n")
    server = LumenProcess(str(tmp_path / "data"), ["--config", str(config)]).start()
    try:
        statuses, acknowledged, retry_after_missing, peak = overload(server, 503)
        print(f"ceiling {ceiling >> 20} MiB")
        assert statuses.get(200, 0) > 0, statuses
        assert statuses.get(503, 0) > 0, f"the memory ceiling was never reached: {statuses}"
        assert set(statuses) <= {200, 429, 503}, statuses
        assert not retry_after_missing
        # The resident set is checked before each request is read, so the overshoot past the ingest limit is what
        # was in flight at once: the ceiling keeps it.
        assert peak < ceiling + 16 * 1024 * 1024, f"peak {peak >> 20} MiB, ceiling {ceiling >> 20} MiB"
        # Once the load stops the memory comes back (the head is cut early, the allocator's free pages returned)
        # and writes are acknowledged again without a restart.
        trace_ids, body = spans_body(1)
        deadline = time.time() + 60
        while True:
            answer = requests.post(f"{server.otlp}/v1/traces", json=body, timeout=30)
            if answer.status_code == 200 or time.time() > deadline:
                break
            time.sleep(0.5)
        resident = server.resident_bytes()
        assert answer.status_code == 200, f"{answer.status_code} {answer.text}; {resident >> 20} MiB resident"
        assert resident < ingest_limit, f"{resident >> 20} MiB resident, ingest stops at {ingest_limit >> 20} MiB"
        assert_acknowledged_readable(server, acknowledged + trace_ids)
        metrics = requests.get(f"{server.api}/metrics", timeout=5).text
        assert 'reason="overload"' in metrics
        assert "lumen_memory_pressure_head_cuts_total" in metrics
    finally:
        server.stop()
