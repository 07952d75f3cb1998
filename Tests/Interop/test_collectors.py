"""The other collectors, each driven by its real client: a StatsD client library, util-linux `logger` over UDP
and TCP, the OpenTelemetry Zipkin exporter, and a Loki push request as Loki's API documents it."""

import json
import signal
import socket
import subprocess
import time

import requests
import statsd
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from conftest import wait_for


def metric_value(lumen, query):
    result = requests.get(f"{lumen.api}/api/v1/query", params={"query": query}, timeout=5).json()
    series = result["data"]["result"]
    return float(series[0]["value"][1]) if series else None


def log_lines(lumen, query):
    result = json.loads(lumen.cli("query", query, "--since", "1h", "--output", "json"))
    return [entry["body"] for entry in result["logs"]]


def test_statsd_client_metrics_are_aggregated_into_series(lumen):
    client = statsd.StatsClient("127.0.0.1", lumen.statsd_port, prefix="shop")
    client.incr("orders", 3)
    client.incr("orders", 2)
    client.gauge("queue.depth", 7)
    client.gauge("queue.depth", 2, delta=True)
    for milliseconds in (10, 20, 30):
        client.timing("db.query", milliseconds)
    client.set("visitors", "alice")
    client.set("visitors", "bob")
    client.set("visitors", "alice")
    # A malformed line in the same datagram as a good one: the good one is kept.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"shop.bad:xx|c\nshop.good:1|c", ("127.0.0.1", lumen.statsd_port))

    assert wait_for(lambda: metric_value(lumen, "shop_orders_total") == 5)
    assert metric_value(lumen, "shop_queue_depth") == 9
    assert metric_value(lumen, "shop_visitors") == 2
    assert metric_value(lumen, "shop_good_total") == 1
    assert wait_for(lambda: metric_value(lumen, "shop_db_query_seconds_count") == 3)
    assert abs(metric_value(lumen, "shop_db_query_seconds_sum") - 0.06) < 1e-9
    metrics = requests.get(f"{lumen.api}/metrics", timeout=5).text
    assert 'lumen_ingest_rejected_total{protocol="statsd",signal="lines",reason="invalid"} 1' in metrics


def test_statsd_datagrams_the_kernel_drops_are_counted(lumen):
    # Stopped, the server reads nothing, so its socket's receive buffer fills and the kernel drops the rest.
    sent = 60_000
    lumen.process.send_signal(signal.SIGSTOP)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for _ in range(sent):
                sock.sendto(b"drop.probe:1|c", ("127.0.0.1", lumen.statsd_port))
    finally:
        lumen.process.send_signal(signal.SIGCONT)

    def dropped():
        metrics = requests.get(f"{lumen.api}/metrics", timeout=5).text
        line = 'lumen_ingest_refused_requests_total{protocol="statsd",reason="receive_buffer_full"} '
        return next((int(float(row[len(line):])) for row in metrics.splitlines() if row.startswith(line)), 0)

    # Every datagram is either counted by the series or counted as dropped: none is lost silently.
    assert wait_for(lambda: dropped() > 0 and (metric_value(lumen, "drop_probe_total") or 0) + dropped() == sent)


def test_logger_over_udp_and_tcp_lands_as_log_records(lumen):
    port = str(lumen.syslog_port)
    subprocess.run(["logger", "--server", "127.0.0.1", "--port", port, "--udp", "--rfc5424", "-t", "billing",
                    "-p", "user.err", "invoice 77 failed over udp"], check=True)
    subprocess.run(["logger", "--server", "127.0.0.1", "--port", port, "--tcp", "--octet-count", "--rfc5424",
                    "-t", "billing", "-p", "user.info", "invoice 78 sent over tcp"], check=True)
    subprocess.run(["logger", "--server", "127.0.0.1", "--port", port, "--udp", "--rfc3164", "-t", "cron",
                    "-p", "user.warning", "job took too long"], check=True)

    lines = wait_for(lambda: (found := log_lines(lumen, '{service="billing"}')) and len(found) == 2 and found)
    assert set(lines) == {"invoice 77 failed over udp", "invoice 78 sent over tcp"}
    assert log_lines(lumen, '{service="billing", severity="error"}') == ["invoice 77 failed over udp"]
    assert wait_for(lambda: log_lines(lumen, '{service="cron", severity>="warn"}')) == ["job took too long"]


def test_zipkin_exporter_spans_form_a_trace(lumen):
    provider = TracerProvider(resource=Resource.create({"service.name": "legacy-billing"}))
    provider.add_span_processor(SimpleSpanProcessor(ZipkinExporter(endpoint=f"{lumen.otlp}/api/v2/spans")))
    tracer = provider.get_tracer("interop")
    with tracer.start_as_current_span("POST /invoice", kind=SpanKind.SERVER) as root:
        root.set_attribute("http.response.status_code", 500)
        trace_id = format(root.get_span_context().trace_id, "032x")
        with tracer.start_as_current_span("render pdf") as child:
            child.set_status(Status(StatusCode.ERROR, "font missing"))
    provider.shutdown()

    document = json.loads(lumen.cli("trace", trace_id, "--output", "json"))
    spans = {span["name"]: span for span in document["spans"]}
    assert set(spans) == {"POST /invoice", "render pdf"}
    assert {span["service"] for span in spans.values()} == {"legacy-billing"}
    assert spans["render pdf"]["parentSpanId"] == spans["POST /invoice"]["spanId"]
    assert spans["POST /invoice"]["kind"] == "server"
    assert spans["render pdf"]["status"]["code"] == "error"
    assert str(spans["POST /invoice"]["attributes"]["http.response.status_code"]) == "500"


def test_loki_push_json_lands_in_streams(lumen):
    now = time.time_ns()
    body = {"streams": [
        {"stream": {"service_name": "loki-app", "env": "prod"},
         "values": [[str(now - 2_000_000), "GET /health 200"],
                    [str(now - 1_000_000), "GET /pay 500 upstream timeout", {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}]]},
        {"stream": {"service_name": "loki-app", "level": "error"},
         "values": [[str(now), "panic: nil map"]]},
    ]}
    response = requests.post(f"{lumen.otlp}/loki/api/v1/push", json=body, timeout=5)
    assert response.status_code == 204, response.text
    assert log_lines(lumen, '{service="loki-app"} |= "timeout"') == ["GET /pay 500 upstream timeout"]
    assert log_lines(lumen, '{service="loki-app", severity="error"}') == ["panic: nil map"]
    trace = requests.get(f"{lumen.api}/lumen/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", timeout=5).json()
    assert [log["body"] for log in trace["logs"]] == ["GET /pay 500 upstream timeout"]

    bad = requests.post(f"{lumen.otlp}/loki/api/v1/push", data=b'{"streams": [', timeout=5,
                        headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert requests.get(f"{lumen.api}/ready", timeout=5).status_code == 200
