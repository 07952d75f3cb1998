"""Loki's `tail` over WebSocket against a real `lumen serve`, with a real WebSocket client (`websockets`), connecting
as Grafana does (grafana/grafana `public/app/plugins/datasource/loki/datasource.ts` createLiveTarget: the browser
opens `<datasource>/loki/api/v1/tail?query=<expr>` through Grafana's proxy, which adds the data source's headers
such as `X-Scope-OrgID`; `pkg/tsdb/loki/streaming.go`: a plain GET of `/loki/api/v2alpha/tail`, v1 unless it
answers 400, then a dial with `query` alone). Lines go in through Loki's push API while a tail is open.

Every wait is a receive with a deadline; the only fixed waits assert that nothing (more) arrives."""

import contextlib
import json
import time
import urllib.parse

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from conftest import LumenProcess, wait_for

SECOND = 1_000_000_000
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
# A browser's WebSocket sends its page's origin; Grafana's proxy passes it on.
ORIGIN = "http://grafana.example:3000"


@pytest.fixture(scope="module")
def lumen(tmp_path_factory):
    server = LumenProcess(str(tmp_path_factory.mktemp("tail") / "data")).start()
    yield server
    server.stop()


def push(lumen, streams, tenant=None):
    headers = {"X-Scope-OrgID": tenant} if tenant else {}
    response = requests.post(f"{lumen.otlp}/loki/api/v1/push", json={"streams": streams}, headers=headers,
                             timeout=10)
    assert response.status_code == 204, response.text


def tail(lumen, query, tenant=None, headers=None, **params):
    """Opens a tail the way Grafana's Explore does: `query` first, then any other parameters, URL-encoded."""
    encoded = urllib.parse.urlencode({"query": query, **{name: str(value) for name, value in params.items()}})
    extra = dict(headers or {})
    if tenant:
        extra["X-Scope-OrgID"] = tenant
    return connect(f"ws://127.0.0.1:{lumen.api_port}/loki/api/v1/tail?{encoded}", origin=ORIGIN,
                   additional_headers=extra, open_timeout=10, close_timeout=5)


def receive(socket, count, timeout=10):
    """Messages until `count` lines have come, or fails at the deadline; returns (lines, messages), each line as
    (ns, text, stream labels)."""
    deadline = time.time() + timeout
    lines, messages = [], []
    while len(lines) < count:
        remaining = deadline - time.time()
        assert remaining > 0, f"only {len(lines)} of {count} lines arrived: {lines}"
        message = json.loads(socket.recv(timeout=remaining))
        messages.append(message)
        assert set(message) <= {"streams", "dropped_entries", "encodingFlags"}, message
        for stream in message["streams"]:
            for value in stream["values"]:
                assert isinstance(value[0], str) and isinstance(value[1], str)
                lines.append((int(value[0]), value[1], stream["stream"]))
    return lines, messages


def assert_silent(socket, seconds):
    """Nothing more arrives for `seconds` (the server polls every 0.5 s)."""
    with pytest.raises(TimeoutError):
        socket.recv(timeout=seconds)


def closed_with(socket, timeout=10):
    """The close frame the server sent: (code, reason)."""
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=timeout)
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_backlog_then_live_lines_in_order_each_once_with_the_range_querys_labels(lumen):
    now = time.time_ns()
    old = [now - (10 - i) * SECOND for i in range(5)]
    push(lumen, [{"stream": {"service_name": "tailshop", "env": "prod"},
                  "values": [[str(t), f"old {i}"] for i, t in enumerate(old)]}])
    with tail(lumen, '{service_name="tailshop"}') as socket:
        backlog, _ = receive(socket, 5)
        assert [line[0] for line in backlog] == old  # oldest first
        assert [line[1] for line in backlog] == [f"old {i}" for i in range(5)]

        # Live: two pushes, two streams, while the tail is open.
        fresh = time.time_ns()
        push(lumen, [{"stream": {"service_name": "tailshop", "env": "prod"},
                      "values": [[str(fresh), "new 0"], [str(fresh + 1), "new 1"]]}])
        push(lumen, [{"stream": {"service_name": "tailshop", "env": "dev", "level": "error"},
                      "values": [[str(fresh + 2), "new 2"]]}])
        live, _ = receive(socket, 3)
        assert sorted(line[1] for line in live) == ["new 0", "new 1", "new 2"]
        assert [line[0] for line in live] == sorted(line[0] for line in live)
        assert_silent(socket, 1.2)  # two polls and more: nothing is sent twice

    # Each line's stream is what query_range (plain encoding) gives the same line.
    answer = requests.get(f"{lumen.api}/loki/api/v1/query_range", params={
        "query": '{service_name="tailshop"}', "start": str(now - 60 * SECOND), "end": str(time.time_ns() + SECOND),
        "limit": "100"}, timeout=10).json()
    ranged = {(int(v[0]), v[1]): s["stream"] for s in answer["data"]["result"] for v in s["values"]}
    assert len(ranged) == 8
    for time_ns, text, stream in backlog + live:
        assert ranged[(time_ns, text)] == stream
    errors = [line for line in live if line[1] == "new 2"][0][2]
    assert errors["service"] == "tailshop" and errors["level"] == "error"


def test_limit_and_start_shape_the_backlog(lumen):
    now = time.time_ns()
    times = [now - (20 - i) * SECOND for i in range(10)]
    push(lumen, [{"stream": {"service_name": "tailpage"}, "values": [[str(t), f"line {i}"] for i, t in
                                                                     enumerate(times)]}])
    # The newest `limit`, oldest first (Loki reads backward and reverses).
    with tail(lumen, '{service_name="tailpage"}', limit=3) as socket:
        lines, _ = receive(socket, 3)
        assert [line[1] for line in lines] == ["line 7", "line 8", "line 9"]
        assert_silent(socket, 1.2)  # the older seven are never sent
    # `start` as nanoseconds, float seconds and RFC 3339: lines before it are not in the backlog.
    cut = times[6] - SECOND // 2  # between lines 5 and 6: float seconds and RFC 3339 carry no exact nanoseconds
    for start in [str(cut), f"{cut / SECOND:.9f}",
                  time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(cut // SECOND)) + f".{cut % SECOND:09d}Z"]:
        with tail(lumen, '{service_name="tailpage"}', start=start) as socket:
            lines, _ = receive(socket, 4)
            assert [line[1] for line in lines] == ["line 6", "line 7", "line 8", "line 9"], start
            assert_silent(socket, 0.6)


def test_delay_for_holds_back_the_newest_lines(lumen):
    with tail(lumen, '{service_name="taildelay"}', delay_for=2) as socket:
        stamp = time.time_ns()
        push(lumen, [{"stream": {"service_name": "taildelay"}, "values": [[str(stamp), "late"]]}])
        assert_silent(socket, 1)
        lines, _ = receive(socket, 1, timeout=10)
        assert time.time_ns() >= stamp + 2 * SECOND
        assert lines[0][1] == "late"
    with tail(lumen, '{service_name="taildelay"}', delay_for=6) as socket:
        assert closed_with(socket) == (1008, "delay_for can't be greater than 5")


def test_categorize_labels_carries_structured_metadata(lumen):
    stamp = time.time_ns() - SECOND
    push(lumen, [{"stream": {"service_name": "tailmeta"},
                  "values": [[str(stamp), "traced", {"trace_id": TRACE_ID}]]}])
    with tail(lumen, '{service_name="tailmeta"}',
              headers={"X-Loki-Response-Encoding-Flags": "categorize-labels"}) as socket:
        _, messages = receive(socket, 1)
        message = messages[0]
        assert message["encodingFlags"] == ["categorize-labels"]
        value = message["streams"][0]["values"][0]
        assert value[2]["structuredMetadata"]["trace_id"] == TRACE_ID
        assert "trace_id" not in message["streams"][0]["stream"]


def test_a_bad_request_closes_with_the_reason(lumen):
    for query, params, fragment in [
        ('{service_name="x"', {}, "parse error"),
        ('count_over_time({service_name="x"}[1m])', {}, "is not a log query"),
        ('{service_name="x"}', {"limit": "999999"}, "max entries limit"),
        ('{service_name="x"}', {"delay_for": "soon"}, "invalid delay_for"),
        ('{service_name="x"}', {"start": "yesterday"}, "invalid start"),
    ]:
        with tail(lumen, query, **params) as socket:
            code, reason = closed_with(socket)
            assert code == 1008 and fragment in reason, (query, params, reason)
    with tail(lumen, "{}", tenant="bad tenant!") as socket:
        code, reason = closed_with(socket)
        assert code == 1008 and "X-Scope-OrgID" in reason
    # Without an upgrade, the same checks answer 400 with the message, as Loki's handler does.
    response = requests.get(f"{lumen.api}/loki/api/v1/tail", params={"query": '{a="b"'}, timeout=10)
    assert response.status_code == 400 and "parse error" in response.text
    response = requests.get(f"{lumen.api}/loki/api/v1/tail", params={"query": '{a="b"}'}, timeout=10)
    assert response.status_code == 400 and "WebSocket" in response.text


def test_grafana_backend_probes_v2alpha_and_falls_back_to_v1(lumen):
    # streaming.go is400(): only a 400 would make Grafana use v2alpha; Loki and Lumen answer 404.
    assert requests.get(f"{lumen.api}/loki/api/v2alpha/tail", params={"query": "{}"}, timeout=10).status_code == 404
    with pytest.raises(InvalidStatus):
        with connect(f"ws://127.0.0.1:{lumen.api_port}/loki/api/v2alpha/tail?query=%7B%7D", open_timeout=10):
            pass
    # Then the dial: `query` alone, no headers (the anonymous tenant).
    stamp = time.time_ns() - SECOND
    push(lumen, [{"stream": {"service_name": "tailgo"}, "values": [[str(stamp), "from go"]]}])
    url = f"ws://127.0.0.1:{lumen.api_port}/loki/api/v1/tail?" + urllib.parse.urlencode(
        {"query": '{service_name="tailgo"}'})
    with connect(url, open_timeout=10) as socket:
        lines, _ = receive(socket, 1)
        assert lines[0][1] == "from go"


def test_tenants_are_isolated(lumen):
    stamp = time.time_ns() - 2 * SECOND
    for tenant in ["acme", "globex"]:
        push(lumen, [{"stream": {"service_name": "tailtenant"}, "values": [[str(stamp), f"{tenant} old"]]}],
             tenant=tenant)
    with tail(lumen, '{service_name="tailtenant"}', tenant="acme") as acme:
        lines, _ = receive(acme, 1)
        assert [line[1] for line in lines] == ["acme old"]
        fresh = time.time_ns()
        push(lumen, [{"stream": {"service_name": "tailtenant"}, "values": [[str(fresh), "globex new"]]}],
             tenant="globex")
        push(lumen, [{"stream": {"service_name": "tailtenant"}, "values": [[str(fresh), "acme new"]]}],
             tenant="acme")
        lines, _ = receive(acme, 1)
        assert [line[1] for line in lines] == ["acme new"]
        assert_silent(acme, 1.2)


def tails_running(lumen):
    metrics = requests.get(f"{lumen.api}/metrics", timeout=10).text
    for line in metrics.splitlines():
        if line.startswith("lumen_loki_tails "):
            return int(float(line.split()[1]))
    return 0


def test_concurrent_tails_are_bounded_counted_and_released_when_clients_go(lumen):
    wait_for(lambda: tails_running(lumen) == 0)  # the earlier tests' tails have ended
    with contextlib.ExitStack() as held:
        for _ in range(10):
            held.enter_context(tail(lumen, '{service_name="tailbusy"}', tenant="busy"))
        wait_for(lambda: tails_running(lumen) >= 10)
        with tail(lumen, '{service_name="tailbusy"}', tenant="busy") as refused:
            assert closed_with(refused) == (
                1011, "max concurrent tail requests limit exceeded, count > limit (11 > 10)")
        # Another tenant is not held back by this one's tails.
        with tail(lumen, '{service_name="tailbusy"}', tenant="idle") as other:
            assert_silent(other, 0.5)
        metrics = requests.get(f"{lumen.api}/metrics", timeout=10).text
        assert 'lumen_loki_tail_refused_total{limit="per_tenant"} 1' in metrics
    # The server notices each client's close and stops its poll.
    wait_for(lambda: tails_running(lumen) == 0)
    with tail(lumen, '{service_name="tailbusy"}', tenant="busy") as again:
        assert_silent(again, 0.5)


def test_a_client_that_vanishes_without_closing_ends_its_tail(lumen):
    wait_for(lambda: tails_running(lumen) == 0)
    socket = tail(lumen, '{service_name="tailvanish"}', tenant="vanish")
    wait_for(lambda: tails_running(lumen) == 1)
    socket.socket.shutdown(2)  # the TCP connection ends under the WebSocket: no close frame
    socket.socket.close()
    wait_for(lambda: tails_running(lumen) == 0)
