"""Grafana's Jaeger data source against Lumen (under /jaeger, as docs/grafana.md provisions it): Save & test's
service list, the operation picker, a search with tags and durations in Jaeger's units, a trace by ID (Grafana
reads `data[0]`), the dependency graph; each answer checked against Lumen's native API on the same trace."""

import json
import time
import urllib.parse

import requests

from test_correlation import send_one_failing_checkout

JSON = {"Accept": "application/json"}


def jaeger(lumen, path, **params):
    return requests.get(f"{lumen.api}/jaeger{path}", params=params, headers=JSON, timeout=10)


def envelope(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"data", "total", "limit", "offset", "errors"} and body["errors"] is None
    return body["data"]


def microseconds(seconds):
    return str(int(seconds * 1_000_000))


def test_save_and_test_services_and_operations(lumen):
    send_one_failing_checkout(lumen)
    assert envelope(jaeger(lumen, "/api/services")) == ["checkout", "frontend", "payment"]
    operations = envelope(jaeger(lumen, "/api/services/" + urllib.parse.quote("checkout", safe="") + "/operations"))
    assert operations == ["Checkout", "POST /charge"]
    detailed = envelope(jaeger(lumen, "/api/operations", service="checkout"))
    assert {"name": "Checkout", "spanKind": "server"} in detailed


def test_a_trace_by_id_in_jaegers_shape_agrees_with_the_native_trace(lumen):
    trace_id = send_one_failing_checkout(lumen)
    data = envelope(jaeger(lumen, f"/api/traces/{trace_id}"))
    assert len(data) == 1
    trace = data[0]
    native = requests.get(f"{lumen.api}/lumen/v1/traces/{trace_id}", timeout=5).json()
    expected = {span["spanId"]: span for span in native["spans"]}
    assert trace["traceID"] == trace_id and len(trace["spans"]) == len(expected) == 5
    for span in trace["spans"]:
        theirs = expected[span["spanID"]]
        assert span["operationName"] == theirs["name"]
        assert span["startTime"] == theirs["startTimeUnixNano"] // 1000
        assert span["duration"] == theirs["durationNanos"] // 1000
        assert trace["processes"][span["processID"]]["serviceName"] == theirs["service"]
        parents = [ref["spanID"] for ref in span["references"] if ref["refType"] == "CHILD_OF"]
        assert parents == ([theirs["parentSpanId"]] if theirs.get("parentSpanId") else [])
    charge = next(span for span in trace["spans"] if span["operationName"] == "Charge")
    tags = {tag["key"]: tag for tag in charge["tags"]}
    assert tags["error"] == {"key": "error", "type": "bool", "value": True}
    assert tags["span.kind"]["value"] == "server"


def test_a_missing_trace_is_404_in_jaegers_error_shape(lumen):
    response = jaeger(lumen, "/api/traces/0123456789abcdef0123456789abcdef")
    assert response.status_code == 404
    body = response.json()
    assert body["data"] is None and body["errors"][0]["code"] == 404
    assert jaeger(lumen, "/api/traces/xyz").status_code == 400


def test_search_with_tags_and_durations_as_grafana_sends_it(lumen):
    trace_id = send_one_failing_checkout(lumen)
    now = time.time()
    window = {"start": microseconds(now - 3600), "end": microseconds(now + 60), "limit": "20"}
    found = envelope(jaeger(lumen, "/api/traces", service="payment", operation="Charge",
                            tags=json.dumps({"error": "true"}), minDuration="0ms", maxDuration="10s", **window))
    assert [trace["traceID"] for trace in found] == [trace_id]
    assert envelope(jaeger(lumen, "/api/traces", service="payment", tags=json.dumps({"error": "false"}),
                           **window)) == []
    assert envelope(jaeger(lumen, "/api/traces", service="payment", minDuration="1h", **window)) == []
    assert [t["traceID"] for t in envelope(jaeger(lumen, "/api/traces", service="frontend", lookback="1h"))] == [
        trace_id]
    for bad in ({"service": "payment", "start": "nope"}, {"service": "payment", "minDuration": "fast"},
                {"service": "payment", "limit": "0"}, {}, {"service": "payment", "tags": "{not json"},
                {"service": "payment", "start": "99999999999999999999"}):
        response = jaeger(lumen, "/api/traces", **bad)
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["code"] == 400


def test_dependencies_agree_with_the_service_graph(lumen):
    send_one_failing_checkout(lumen)
    now_ms = int(time.time() * 1000)
    data = envelope(jaeger(lumen, "/api/dependencies", endTs=str(now_ms + 60_000), lookback=str(3_600_000)))
    graph = requests.get(f"{lumen.api}/lumen/v1/service-graph", params={"since": "1h"}, timeout=5).json()["data"]
    assert {(d["parent"], d["child"]): d["callCount"] for d in data} == {
        (e["caller"], e["callee"]): e["calls"] for e in graph["edges"]} == {
        ("frontend", "checkout"): 1, ("checkout", "payment"): 1}
