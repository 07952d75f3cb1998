"""Correlation with the real OpenTelemetry Python SDK: three services in one trace with logs, then the trace
found by structure and by its log lines, the service graph, log metrics, and the trace as OTLP JSON."""

import json

import requests

from test_otel_sdk import SERVICES, Service, handle, outgoing
from opentelemetry.trace import SpanKind, Status, StatusCode


def send_one_failing_checkout(lumen):
    services = {name: Service(name, lumen.otlp) for name in SERVICES}
    frontend, checkout, payment = (services[name] for name in SERVICES)

    def charge(span):
        span.set_status(Status(StatusCode.ERROR, "card declined"))
        payment.log.error("payment declined for order 7: card_expired")

    def do_checkout(span):
        checkout.log.info("order=7 items=3 total=42.50")
        with checkout.tracer.start_as_current_span("POST /charge", kind=SpanKind.CLIENT):
            handle(payment, "Charge", outgoing(), charge)

    with frontend.tracer.start_as_current_span("GET /checkout", kind=SpanKind.SERVER) as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        with frontend.tracer.start_as_current_span("POST /checkout", kind=SpanKind.CLIENT):
            handle(checkout, "Checkout", outgoing(), do_checkout)
    for service in services.values():
        service.shutdown()
    return trace_id


def test_a_failing_request_is_found_by_structure_by_its_logs_and_in_the_service_graph(lumen):
    trace_id = send_one_failing_checkout(lumen)

    found = json.loads(lumen.cli("query", '{service="frontend"} >> {status=error}', "--since", "1h", "--output", "json"))
    assert found["kind"] == "traces"
    assert [trace["traceId"] for trace in found["traces"]] == [trace_id]
    assert found["traces"][0]["rootServiceName"] == "frontend"
    assert found["traces"][0]["spanCount"] == 5 and found["traces"][0]["errorCount"] == 1
    assert [span["name"] for span in found["traces"][0]["spans"]] == ["Charge"]

    by_logs = json.loads(lumen.cli("query", 'traces({service="payment"} |= "declined")', "--since", "1h",
                                   "--output", "json"))
    assert [trace["traceId"] for trace in by_logs["traces"]] == [trace_id]

    graph = json.loads(lumen.cli("services", "--since", "1h", "--output", "json"))["data"]
    edges = {(edge["caller"], edge["callee"]): edge for edge in graph["edges"]}
    assert set(edges) == {("frontend", "checkout"), ("checkout", "payment")}
    assert edges[("checkout", "payment")]["errors"] == 1
    assert edges[("checkout", "payment")]["errorRatio"] == 1
    assert {service["service"] for service in graph["services"]} == set(SERVICES)
    table = lumen.cli("services", "--since", "1h")
    assert "checkout" in table and "payment" in table

    counts = json.loads(lumen.cli("query", 'sum by (service) (count_over_time({host="interop-host"} | logfmt [1h]))',
                                  "--output", "json"))
    assert {series["labels"]["service"]: series["points"][0]["v"] for series in counts["series"]} == {
        "checkout": "1", "payment": "1"}

    otlp = requests.get(f"{lumen.api}/api/traces/{trace_id}", timeout=5).json()
    spans = [span for resource in otlp["resourceSpans"] for scope in resource["scopeSpans"] for span in scope["spans"]]
    assert len(spans) == 5
    assert all(span["traceId"] == trace_id for span in spans)
