"""OTLP over gRPC with the real OpenTelemetry Python SDK exporters: traces, metrics and logs arrive intact,
gzip-compressed, with a tenant in the metadata."""

import json
import logging

from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.otlp.proto.grpc.exporter import Compression
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind


def test_traces_metrics_and_logs_over_grpc_arrive_intact(lumen):
    endpoint = f"127.0.0.1:{lumen.grpc_port}"
    options = {"endpoint": endpoint, "insecure": True, "compression": Compression.Gzip,
               "headers": (("x-scope-orgid", "grpc-team"),)}
    resource = Resource.create({"service.name": "inventory", "host.name": "grpc-host"})

    traces = TracerProvider(resource=resource)
    traces.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(**options)))
    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(**options)))
    log = logging.getLogger("interop.grpc")
    log.setLevel(logging.INFO)
    log.propagate = False
    log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logs))

    tracer = traces.get_tracer("interop")
    with tracer.start_as_current_span("ReserveStock", kind=SpanKind.SERVER) as span:
        span.set_attribute("rpc.method", "ReserveStock")
        span.set_attribute("stock.units", 4)
        trace_id = format(span.get_span_context().trace_id, "032x")
        log.warning("only 4 units left of sku 991")

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(**options), export_interval_millis=3_600_000)
    meters = MeterProvider(resource=resource, metric_readers=[reader])
    meters.get_meter("interop").create_histogram("reserve.duration", unit="s").record(0.25, {"outcome": "ok"})
    assert meters.force_flush()
    meters.shutdown()
    traces.shutdown()
    logs.shutdown()

    def cli(*args):
        return json.loads(lumen.cli(*args, "--tenant", "grpc-team", "--output", "json"))

    document = cli("trace", trace_id)
    assert [span["name"] for span in document["spans"]] == ["ReserveStock"]
    attributes = document["spans"][0]["attributes"]
    assert attributes["rpc.method"] == "ReserveStock" and attributes["stock.units"] == 4
    assert [entry["body"] for entry in document["logs"]] == ["only 4 units left of sku 991"]
    assert document["logs"][0]["level"] == "warn"

    count = cli("query", 'reserve_duration_seconds_count{service="inventory"}')
    assert [series["points"][0]["v"] for series in count["series"]] == ["1"]
    bucket = cli("query", 'reserve_duration_seconds_bucket{le="+Inf"}')
    assert [series["points"][0]["v"] for series in bucket["series"]] == ["1"]
    # Another tenant sees none of it.
    other = json.loads(lumen.cli("query", 'reserve_duration_seconds_count', "--output", "json"))
    assert other["series"] == []
