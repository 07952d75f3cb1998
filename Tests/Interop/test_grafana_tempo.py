"""Grafana's Tempo data source against Lumen: each request exactly as Grafana sends it (path, parameters, headers,
double-encoded tag names; read from grafana/grafana pkg/tsdb/tempo and the data source's frontend), checked for
status, content type and shape; traces by ID decoded as Tempo's protobuf with `opentelemetry-proto`; the answers
agree with Lumen's native API on the same trace. Grafana itself cannot be installed here."""

import time
import urllib.parse

import requests
from opentelemetry.proto.trace.v1 import trace_pb2
from opentelemetry.trace import SpanKind, Status, StatusCode

from test_correlation import send_one_failing_checkout
from test_otel_sdk import Service, handle, outgoing

JSON = {"Accept": "application/json"}
PROTOBUF = {"Accept": "application/protobuf"}


def unwrap_field_1(body):
    """The bytes of field 1 of a protobuf message holding only that field: `TraceByIDResponse.trace`."""
    assert body[0] == 0x0A, "field 1, length-delimited"
    length, shift, index = 0, 0, 1
    while True:
        byte = body[index]
        length |= (byte & 0x7F) << shift
        index += 1
        shift += 7
        if byte < 0x80:
            break
    assert index + length == len(body)
    return body[index:]


def window():
    """What Grafana sends: the panel's range in whole Unix seconds (widened by 30 minutes for traces by ID)."""
    now = int(time.time())
    return {"start": str(now - 3600), "end": str(now + 60)}


def send_attributed_trace(lumen):
    """A trace with the attributes Grafana's query builder filters on; returns its ID."""
    api, db = Service("api-gateway", lumen.otlp), Service("orders", lumen.otlp)

    def order(span):
        span.set_attribute("http.status_code", 503)
        span.set_attribute("app/tier", "backend")
        span.set_status(Status(StatusCode.ERROR, "overloaded"))
        time.sleep(0.12)

    with api.tracer.start_as_current_span("GET /orders", kind=SpanKind.SERVER) as root:
        root.set_attribute("http.status_code", 200)
        trace_id = format(root.get_span_context().trace_id, "032x")
        with api.tracer.start_as_current_span("call orders", kind=SpanKind.CLIENT):
            handle(db, "ListOrders", outgoing(), order)
    api.shutdown()
    db.shutdown()
    return trace_id


def test_save_and_test_echo_and_buildinfo(lumen):
    echo = requests.get(f"{lumen.api}/api/echo", timeout=5)
    assert echo.status_code == 200 and echo.text == "echo"
    info = requests.get(f"{lumen.api}/api/status/buildinfo", timeout=5)
    assert info.status_code == 200 and info.headers["Content-Type"].startswith("application/json")
    major, minor, _ = (int(part) for part in info.json()["version"].split("."))
    assert (major, minor) >= (2, 2)


def test_a_trace_by_id_as_protobuf_matches_the_native_trace_span_for_span(lumen):
    trace_id = send_attributed_trace(lumen)
    native = requests.get(f"{lumen.api}/lumen/v1/traces/{trace_id}", timeout=5).json()
    native_spans = {span["spanId"]: span for span in native["spans"]}
    assert len(native_spans) == 3

    v2 = requests.get(f"{lumen.api}/api/v2/traces/{trace_id}", params=window(), headers=PROTOBUF, timeout=5)
    assert v2.status_code == 200 and v2.headers["Content-Type"] == "application/protobuf"
    traces = trace_pb2.TracesData.FromString(unwrap_field_1(v2.content))
    spans = {span.span_id.hex(): (resource, span) for resource in traces.resource_spans
             for scope in resource.scope_spans for span in scope.spans}
    assert set(spans) == set(native_spans)
    for span_id, (resource, span) in spans.items():
        expected = native_spans[span_id]
        assert span.trace_id.hex() == trace_id
        assert span.name == expected["name"]
        assert (span.parent_span_id.hex() or None) == expected.get("parentSpanId")
        assert span.start_time_unix_nano == expected["startTimeUnixNano"]
        assert span.end_time_unix_nano == expected["endTimeUnixNano"]
        service = next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")
        assert service == expected["service"]
    order = next(span for _, span in spans.values() if span.name == "ListOrders")
    assert order.status.code == trace_pb2.Status.STATUS_CODE_ERROR and order.kind == trace_pb2.Span.SPAN_KIND_SERVER
    assert {a.key: a.value.int_value for a in order.attributes if a.key == "http.status_code"} == {
        "http.status_code": 503}
    assert order.end_time_unix_nano - order.start_time_unix_nano >= 120_000_000

    # v1, Grafana's fallback, is Tempo's `Trace`: the same bytes as TracesData.
    v1 = requests.get(f"{lumen.api}/api/traces/{trace_id}", params=window(), headers=PROTOBUF, timeout=5)
    assert v1.status_code == 200 and v1.headers["Content-Type"] == "application/protobuf"
    assert trace_pb2.TracesData.FromString(v1.content) == traces
    # JSON when asked: v2 wraps the OTLP JSON in "trace".
    as_json = requests.get(f"{lumen.api}/api/v2/traces/{trace_id}", headers=JSON, timeout=5)
    assert as_json.headers["Content-Type"] == "application/json"
    assert len(as_json.json()["trace"]["resourceSpans"]) == 2


def test_a_missing_trace_is_404_on_both_versions_and_a_bad_id_400(lumen):
    missing = "0123456789abcdef0123456789abcdef"
    for path in (f"/api/v2/traces/{missing}", f"/api/traces/{missing}"):
        assert requests.get(lumen.api + path, params=window(), headers=PROTOBUF, timeout=5).status_code == 404
    assert requests.get(f"{lumen.api}/api/v2/traces/not-hex", headers=PROTOBUF, timeout=5).status_code == 400
    bad_window = {"start": "200", "end": "100"}
    assert requests.get(f"{lumen.api}/api/v2/traces/{missing}", params=bad_window, headers=PROTOBUF,
                        timeout=5).status_code == 400


def search(lumen, query, **extra):
    """`/api/search` as Grafana's TraceQL editor sends it: q, limit, spss, start, end; JSON."""
    params = {"q": query, "limit": "20", "spss": "3", **window(), **extra}
    response = requests.get(f"{lumen.api}/api/search", params=params, headers=JSON, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def test_search_answers_tempos_shape_with_nanoseconds_as_strings(lumen):
    trace_id = send_attributed_trace(lumen)
    answer = search(lumen, '{ resource.service.name = "orders" && span.http.status_code >= 500 '
                           '&& duration > 100ms && status = error }')
    assert [trace["traceID"] for trace in answer["traces"]] == [trace_id]
    trace = answer["traces"][0]
    assert trace["rootServiceName"] == "api-gateway" and trace["rootTraceName"] == "GET /orders"
    assert isinstance(trace["startTimeUnixNano"], str) and int(trace["startTimeUnixNano"]) > 0
    assert isinstance(trace["durationMs"], int) and trace["durationMs"] >= 120
    spans = trace["spanSets"][0]["spans"]
    assert trace["spanSets"][0]["matched"] == 1 and [span["name"] for span in spans] == ["ListOrders"]
    assert isinstance(spans[0]["durationNanos"], str) and int(spans[0]["durationNanos"]) >= 120_000_000
    assert isinstance(spans[0]["startTimeUnixNano"], str)
    shown = {attribute["key"]: attribute["value"] for attribute in spans[0]["attributes"]}
    assert shown["http.status_code"] == {"intValue": "503"} and shown["status"] == {"stringValue": "error"}


def test_the_traceql_grafanas_builder_writes_parses_and_finds_the_trace(lumen):
    trace_id = send_attributed_trace(lumen)
    matching = [
        "{}",
        '{ .http.status_code = 503 }',
        '{ rootServiceName = "api-gateway" && rootName = "GET /orders" && traceDuration > 100ms }',
        '{ kind = server && name =~ "List.*" }',
        '{ resource.service.name = "api-gateway" } >> { status = error }',
        '{ kind = client } > { kind = server && resource.service.name = "orders" }',
        '{ name = "call orders" } ~ { name = "nope" } || { name = "ListOrders" }',
        '{ resource.service.name = "api-gateway" } && { resource.service.name = "orders" }',
        '{ span.http.status_code >= 500 || span.http.status_code = 200 } | count() > 1',
        '{ } | avg(duration) > 10ms',
        '{ status = error } | select(span.http.status_code, resource.service.name)',
        '{ nestedSetParent < 0 && true } | select(status)',
        '{ span.http.status_code != nil && (status = error || status = ok) }',
    ]
    for query in matching:
        assert [trace["traceID"] for trace in search(lumen, query)["traces"]] == [trace_id], query
    not_matching = [
        '{ resource.service.name = "orders" } >> { resource.service.name = "api-gateway" }',
        '{ resource.service.name = "api-gateway" } && { resource.service.name = "nowhere" }',
        '{ } | count() > 10',
        '{ span.missing = nil && status = ok }',
    ]
    for query in not_matching:
        assert search(lumen, query)["traces"] == [], query
    broken = requests.get(f"{lumen.api}/api/search", params={"q": "{ status = ", **window()}, headers=JSON, timeout=5)
    assert broken.status_code == 400 and "TraceQL" in broken.text


def test_legacy_tags_search_and_parameter_checks(lumen):
    trace_id = send_attributed_trace(lumen)
    legacy = requests.get(f"{lumen.api}/api/search", params={"tags": "service.name=orders http.status_code=503",
                                                            "minDuration": "100ms", **window()}, timeout=5)
    assert legacy.status_code == 200 and [t["traceID"] for t in legacy.json()["traces"]] == [trace_id]
    for bad in ({"q": "{}", "tags": "a=b"}, {"limit": "0"}, {"limit": "-3"}, {"start": "100", "end": "50"},
                {"start": "99999999999999999999", "end": "1"}):
        assert requests.get(f"{lumen.api}/api/search", params=bad, timeout=5).status_code == 400, bad


def test_tags_and_tag_values_as_the_editor_asks_for_them(lumen):
    send_attributed_trace(lumen)
    tags = requests.get(f"{lumen.api}/api/v2/search/tags", params={"limit": "5000", **window()}, headers=JSON,
                        timeout=5)
    assert tags.status_code == 200
    scopes = {scope["name"]: scope["tags"] for scope in tags.json()["scopes"]}
    assert "service.name" in scopes["resource"]
    assert {"http.status_code", "app/tier"} <= set(scopes["span"])
    assert {"name", "status", "duration", "kind", "rootServiceName"} <= set(scopes["intrinsic"])
    only_span = requests.get(f"{lumen.api}/api/v2/search/tags", params={"scope": "span"}, timeout=5).json()
    assert [scope["name"] for scope in only_span["scopes"]] == ["span"]
    assert requests.get(f"{lumen.api}/api/v2/search/tags", params={"scope": "bogus"}, timeout=5).status_code == 400
    v1 = requests.get(f"{lumen.api}/api/search/tags", timeout=5).json()
    assert {"service.name", "http.status_code"} <= set(v1["tagNames"])

    def values(tag, **params):
        # Grafana encodes the tag itself, then its HTTP client encodes the path again.
        path = urllib.parse.quote(urllib.parse.quote(tag, safe=""), safe="")
        response = requests.get(f"{lumen.api}/api/v2/search/tag/{path}/values",
                                params={"limit": "5000", **params}, headers=JSON, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()["tagValues"]

    assert values("resource.service.name", q="{}") == [
        {"type": "string", "value": "api-gateway"}, {"type": "string", "value": "orders"}]
    assert values("resource.service.name", q='{ span.http.status_code >= 500 }') == [
        {"type": "string", "value": "orders"}]
    assert values("span.app/tier") == [{"type": "string", "value": "backend"}]
    assert {"type": "int", "value": "503"} in values("span.http.status_code")
    assert {"type": "status", "value": "error"} in values("status")
    # An editor's half-typed query narrows nothing rather than failing.
    assert len(values("resource.service.name", q="{ resource.service.name = ")) == 2
    v1_values = requests.get(f"{lumen.api}/api/search/tag/service.name/values", timeout=5).json()
    assert v1_values["tagValues"] == ["api-gateway", "orders"]


def test_search_agrees_with_the_native_api_on_a_real_sdk_trace(lumen):
    trace_id = send_one_failing_checkout(lumen)
    answer = search(lumen, '{ resource.service.name = "frontend" } >> { status = error }')
    native = requests.get(f"{lumen.api}/lumen/v1/query", params={
        "query": '{service="frontend"} >> {status=error}', "since": "1h"}, timeout=5).json()
    assert [t["traceID"] for t in answer["traces"]] == [t["traceId"] for t in native["traces"]] == [trace_id]
    ours, theirs = answer["traces"][0], native["traces"][0]
    assert ours["rootServiceName"] == theirs["rootServiceName"]
    assert [s["spanID"] for s in ours["spanSets"][0]["spans"]] == [s["spanId"] for s in theirs["spans"]]


def test_span_metrics_and_the_service_graph_are_series_that_agree_with_the_native_graph(lumen):
    """The series Grafana's service map and RED tab query, through prometheus-api-client and promtool."""
    import subprocess

    from prometheus_api_client import PrometheusConnect

    from conftest import wait_for

    send_one_failing_checkout(lumen)
    prometheus = PrometheusConnect(url=lumen.api, disable_ssl=True)
    # The generator writes every 15 s.
    edges = wait_for(lambda: prometheus.custom_query("traces_service_graph_request_total"), timeout=40, interval=1)
    graph = requests.get(f"{lumen.api}/lumen/v1/service-graph", params={"since": "1h"}, timeout=5).json()["data"]
    native = {(e["caller"], e["callee"]): (e["calls"], e["errors"]) for e in graph["edges"]}
    failed = {(s["metric"]["client"], s["metric"]["server"]): float(s["value"][1])
              for s in prometheus.custom_query("traces_service_graph_request_failed_total")}
    recorded = {(s["metric"]["client"], s["metric"]["server"]): (float(s["value"][1]), failed[(s["metric"]["client"],
                s["metric"]["server"])]) for s in edges}
    assert recorded == {edge: (float(calls), float(errors)) for edge, (calls, errors) in native.items()} == {
        ("frontend", "checkout"): (1.0, 0.0), ("checkout", "payment"): (1.0, 1.0)}
    calls = prometheus.custom_query('traces_spanmetrics_calls_total{service="payment"}')
    assert [(s["metric"]["span_name"], s["metric"]["span_kind"], s["metric"]["status_code"], s["value"][1])
            for s in calls] == [("Charge", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR", "1")]
    buckets = prometheus.custom_query('traces_service_graph_request_server_seconds_bucket{server="payment",le="+Inf"}')
    assert [s["value"][1] for s in buckets] == ["1"]
    assert prometheus.custom_query('traces_spanmetrics_latency_count{service="frontend",span_kind="SPAN_KIND_SERVER"}')

    result = subprocess.run(["promtool", "query", "instant", lumen.api,
                             "sum by (client, server) (traces_service_graph_request_total)"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert 'client="checkout", server="payment"' in result.stdout and "=> 1 @" in result.stdout
    now = int(time.time())
    ranged = subprocess.run(["promtool", "query", "range", "--start", str(now - 60), "--end", str(now + 15),
                             "--step", "15s", lumen.api,
                             'sum by (le) (traces_spanmetrics_latency_bucket{service="payment"})'],
                            capture_output=True, text=True, timeout=30)
    assert ranged.returncode == 0 and 'le="+Inf"' in ranged.stdout, ranged.stderr + ranged.stdout


def test_traceql_metrics_range_and_instant_in_the_json_grafana_decodes(lumen):
    send_attributed_trace(lumen)
    now = int(time.time())
    params = {"q": '{ } | rate() by (resource.service.name)', "start": str(now - 600), "end": str(now + 60),
              "step": "30s"}
    response = requests.get(f"{lumen.api}/api/metrics/query_range", params=params, headers=JSON, timeout=10)
    assert response.status_code == 200, response.text
    series = response.json()["series"]
    by_service = {s["labels"][0]["value"]["stringValue"]: s for s in series}
    assert set(by_service) == {"api-gateway", "orders"}
    for s in series:
        assert s["labels"][0]["key"] == "resource.service.name"
        assert all(isinstance(sample["timestampMs"], str) and int(sample["timestampMs"]) % 30_000 == 0
                   for sample in s["samples"])
    assert abs(sum(sample["value"] for sample in by_service["api-gateway"]["samples"]) * 30 - 2) < 1e-9
    quantiles = requests.get(f"{lumen.api}/api/metrics/query_range", headers=JSON, timeout=10, params={
        **params, "q": '{ status = error } | quantile_over_time(duration, .5, .9)'}).json()["series"]
    assert sorted(next(l["value"]["doubleValue"] for l in s["labels"] if l["key"] == "p") for s in quantiles) == [
        0.5, 0.9]
    assert all(v["value"] >= 0.12 for s in quantiles for v in s["samples"])
    instant = requests.get(f"{lumen.api}/api/metrics/query", headers=JSON, timeout=10, params={
        "q": '{ } | count_over_time() by (resource.service.name)', "start": str(now - 600), "end": str(now + 60)})
    assert instant.status_code == 200
    body = instant.json()
    assert set(body) == {"series"} and all(set(s) == {"labels", "value"} for s in body["series"])
    assert {s["labels"][0]["value"]["stringValue"]: s["value"] for s in body["series"]} == {
        "api-gateway": 2, "orders": 1}
    assert requests.get(f"{lumen.api}/api/metrics/query_range", params={"q": "{ }"}, timeout=5).status_code == 400


def test_the_grafana_dashboard_in_docs_imports_and_renders_against_lumen(lumen, tmp_path):
    import json
    import os
    import subprocess

    from conftest import LUMEN, ROOT, wait_for

    send_one_failing_checkout(lumen)
    source = os.path.join(ROOT, "docs", "grafana", "lumen-overview.json")
    converted = subprocess.run([LUMEN, "dash", "import", source, "--output", str(tmp_path / "overview.yaml")],
                               capture_output=True, text=True, timeout=60)
    assert converted.returncode == 0 and "converted 6 panels; every panel converted" in converted.stderr, \
        converted.stderr
    wait_for(lambda: requests.get(f"{lumen.api}/api/v1/query", params={
        "query": "traces_spanmetrics_calls_total"}, timeout=5).json()["data"]["result"], timeout=40, interval=1)
    document = json.loads(lumen.cli("dash", str(tmp_path / "overview.yaml"), "--since", "10m", "--format", "json",
                                    "--width", "160", "--height", "70"))
    data = {panel["title"]: panel["data"] for panel in document["panels"]}
    assert all(panel["kind"] != "error" for panel in data.values()), data
    assert "payment" in json.dumps(data["Calls between services"])
