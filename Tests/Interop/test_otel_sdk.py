"""Interop with the real OpenTelemetry Python SDK over OTLP/HTTP (protobuf): three services in one trace,
logs carrying that trace's context, and a counter; then `lumen trace` and `lumen query` answer about them."""

import json
import logging

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

SERVICES = ["frontend", "checkout", "payment"]


class Service:
    """One service's own SDK pipeline, as it would be in its own process."""

    def __init__(self, name, otlp):
        resource = Resource.create({"service.name": name, "host.name": "interop-host"})
        self.tracer_provider = TracerProvider(resource=resource)
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp}/v1/traces")))
        self.tracer = self.tracer_provider.get_tracer("interop")
        self.logger_provider = LoggerProvider(resource=resource)
        self.logger_provider.add_log_record_processor(
            SimpleLogRecordProcessor(OTLPLogExporter(endpoint=f"{otlp}/v1/logs")))
        self.log = logging.getLogger(f"interop.{name}")
        self.log.setLevel(logging.INFO)
        self.log.propagate = False
        self.log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=self.logger_provider))

    def shutdown(self):
        self.tracer_provider.shutdown()
        self.logger_provider.shutdown()


def handle(service, name, carrier, work):
    """Serves one request: continues the caller's trace from `carrier`, runs `work` inside the server span."""
    context = TraceContextTextMapPropagator().extract(carrier)
    with service.tracer.start_as_current_span(name, context=context, kind=SpanKind.SERVER) as span:
        return work(span)


def outgoing():
    carrier = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier


def test_three_services_one_trace_with_logs_and_a_counter(lumen):
    services = {name: Service(name, lumen.otlp) for name in SERVICES}
    frontend, checkout, payment = (services[name] for name in SERVICES)

    def charge(span):
        payment.log.info("charging card for order 1042")
        span.set_status(Status(StatusCode.ERROR, "card declined"))
        payment.log.error("payment declined for order 1042: card_expired")

    def do_checkout(span):
        checkout.log.warning("cart lookup slow, retried once")
        with checkout.tracer.start_as_current_span("POST /charge", kind=SpanKind.CLIENT):
            handle(payment, "Charge", outgoing(), charge)

    with frontend.tracer.start_as_current_span("GET /checkout", kind=SpanKind.SERVER) as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        frontend.log.info("checkout requested")
        with frontend.tracer.start_as_current_span("POST /checkout", kind=SpanKind.CLIENT):
            handle(checkout, "Checkout", outgoing(), do_checkout)

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{lumen.otlp}/v1/metrics"),
                                           export_interval_millis=3_600_000)
    meters = MeterProvider(resource=Resource.create({"service.name": "checkout"}), metric_readers=[reader])
    orders = meters.get_meter("interop").create_counter("orders", unit="{order}")
    orders.add(3, {"outcome": "declined"})
    assert meters.force_flush()
    meters.shutdown()
    for service in services.values():
        service.shutdown()

    # The trace as JSON: five spans from three services, parent links intact, the logs with its trace ID.
    document = json.loads(lumen.cli("trace", trace_id, "--output", "json"))
    spans = {span["name"]: span for span in document["spans"]}
    assert {span["service"] for span in spans.values()} == set(SERVICES)
    assert len(spans) == 5
    assert spans["Charge"]["parentSpanId"] == spans["POST /charge"]["spanId"]
    assert spans["Checkout"]["parentSpanId"] == spans["POST /checkout"]["spanId"]
    assert spans["Charge"]["status"]["code"] == "error"
    assert len(document["logs"]) == 4
    assert all(log["traceId"] == trace_id for log in document["logs"])

    # The tree as a person sees it: every service, each log line under the span it was written in.
    tree = lumen.cli("trace", trace_id)
    lines = tree.splitlines()
    for service in SERVICES:
        assert service in lines[0], tree

    def row(text):
        return next(index for index, line in enumerate(lines) if text in line)

    assert row("GET /checkout") < row("checkout requested") < row("POST /checkout"), tree
    assert row("Checkout") < row("cart lookup slow") < row("POST /charge"), tree
    assert row("Charge") < row("charging card for order 1042") < row("card_expired"), tree

    # The counter, by its Prometheus name, latest value per series.
    result = json.loads(lumen.cli("query", 'orders_total{service="checkout"}', "--output", "json"))
    assert result["kind"] == "vector"
    assert [series["points"][0]["v"] for series in result["series"]] == ["3"]
    assert result["series"][0]["labels"]["outcome"] == "declined"
    table = lumen.cli("query", "orders_total")
    assert "orders_total" in table and "3" in table

    # Logs from the SDK, newest first, filtered by line.
    logs = json.loads(lumen.cli("query", '{service="payment"} |= "declined"', "--since", "1h", "--output", "json"))
    assert [log["body"] for log in logs["logs"]] == ["payment declined for order 1042: card_expired"]
    assert logs["logs"][0]["level"] == "error"


def test_a_histogram_exemplar_leads_from_the_metric_to_its_trace(lumen):
    """The SDK attaches the current span's trace to histogram measurements (its default trace-based exemplar
    filter); Lumen keeps them on the bucket series and hands them back with metric answers."""
    import requests

    service = Service("checkout", lumen.otlp)
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{lumen.otlp}/v1/metrics"),
                                           export_interval_millis=3_600_000)
    meters = MeterProvider(resource=Resource.create({"service.name": "checkout"}), metric_readers=[reader])
    latency = meters.get_meter("interop").create_histogram("checkout.duration", unit="s")
    with service.tracer.start_as_current_span("Checkout", kind=SpanKind.SERVER) as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
        span_id = format(span.get_span_context().span_id, "016x")
        latency.record(0.8, {"outcome": "ok"})
    assert meters.force_flush()
    meters.shutdown()
    service.shutdown()

    query = 'histogram_quantile(0.9, sum by (le) (rate(checkout_duration_seconds_bucket[5m])))'
    result = json.loads(lumen.cli("query", query, "--output", "json"))
    [series] = result["exemplars"]
    assert series["labels"]["le"] == "5" and series["labels"]["outcome"] == "ok"
    [exemplar] = series["exemplars"]
    assert exemplar["traceId"] == trace_id and exemplar["labels"]["span_id"] == span_id
    assert exemplar["v"] == "0.8"

    # For a person: the exemplar under the answer, and the command that opens its trace.
    table = lumen.cli("query", query)
    assert f"lumen trace {trace_id}" in table, table
    assert "Checkout" in lumen.cli("trace", trace_id)

    # Prometheus' exemplar API, as Grafana calls it.
    response = requests.get(f"{lumen.api}/api/v1/query_exemplars", params={"query": "checkout_duration_seconds_bucket"})
    body = response.json()
    assert body["status"] == "success", body
    assert [e["labels"]["trace_id"] for s in body["data"] for e in s["exemplars"]] == [trace_id]
