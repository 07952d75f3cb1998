"""The README's tour, as a new user runs it: `lumen load` feeds the demo shop, then the tour's queries find what
it promises (a request that failed in the database, the rate the load ran at); and a metric asked for by the
name its OpenTelemetry SDK gave it is answered with the name Lumen stored it under."""

import json
import os
import subprocess
import time

import requests
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

from conftest import LUMEN


def run(lumen, *args):
    """A `lumen` command against `lumen`: its exit status, standard output and standard error."""
    result = subprocess.run([LUMEN, *args, "--api", lumen.api], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"})
    return result.returncode, result.stdout, result.stderr


def test_the_tour_finds_a_request_that_failed_in_the_database_and_the_rate_the_load_ran_at(lumen):
    # The seeded shop's first 300 requests hold two that fail in the database (ShopWorkloadTests).
    load = subprocess.run([LUMEN, "load", "--endpoint", lumen.otlp, "--rate", "60", "--duration", "5s", "--quiet"],
                          capture_output=True, text=True, timeout=60)
    assert load.returncode == 0, load.stderr
    # A request is sent when it starts, stamped with its whole simulated course: a deadlock's database log is
    # written a second later (deadlock_timeout), so wait until that second has passed here too.
    time.sleep(1.5)

    found = json.loads(lumen.cli("query", '{service="frontend"} >> {service="database" && status=error}',
                                 "--since", "5m", "--output", "json"))
    assert found["kind"] == "traces"
    assert len(found["traces"]) >= 1, found
    for trace in found["traces"]:
        assert trace["rootServiceName"] == "frontend"
        assert all(span["service"] == "database" for span in trace["spans"]), trace
    # The same failure in the database's logs, under the same trace.
    logs = json.loads(lumen.cli("query", '{service="database", severity="error"} |= "deadlock detected"',
                                "--since", "5m", "--output", "json"))
    assert {log["traceId"] for log in logs["logs"]} == {trace["traceId"] for trace in found["traces"]}

    # 300 requests at 60/s over 5 s of a 5 m range: the rate they ran at, not 300 / 300 s.
    graph = json.loads(lumen.cli("services", "--since", "5m", "--output", "json"))["data"]
    edges = {(edge["caller"], edge["callee"]): edge for edge in graph["edges"]}
    checkout = edges[("frontend", "checkout")]
    assert checkout["calls"] == 300
    assert 57 <= checkout["rate"] <= 63, checkout
    assert 4.5 <= checkout["rateSeconds"] <= 5.5, checkout
    assert edges[("payment", "database")]["errors"] >= 1
    table = lumen.cli("services", "--since", "5m")
    assert "RATE/S" in table and "first call to the last" in table, table


def test_an_otel_counter_asked_for_by_its_own_name_suggests_the_name_it_is_stored_under(lumen):
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{lumen.otlp}/v1/metrics"),
                                           export_interval_millis=3_600_000)
    meters = MeterProvider(resource=Resource.create({"service.name": "shop"}), metric_readers=[reader])
    meters.get_meter("newcomer").create_counter("newcomer_orders").add(2)
    assert meters.force_flush()
    meters.shutdown()

    native = json.loads(lumen.cli("query", "newcomer_orders", "--output", "json"))
    assert native["series"] == []
    assert any("newcomer_orders_total" in warning for warning in native["warnings"]), native

    prometheus = requests.get(f"{lumen.api}/api/v1/query", params={"query": "sum(rate(newcomer_orders[5m]))"}).json()
    assert prometheus["status"] == "success" and prometheus["data"]["result"] == []
    assert any("newcomer_orders_total" in warning for warning in prometheus["warnings"]), prometheus
    stored = requests.get(f"{lumen.api}/api/v1/query", params={"query": "newcomer_orders_total"}).json()
    assert "warnings" not in stored and stored["data"]["result"][0]["value"][1] == "2"

    status, out, err = run(lumen, "query", "newcomer_orders")
    assert status == 0
    assert "no metric is named \"newcomer_orders\"" in err and "newcomer_orders_total" in err, (out, err)
