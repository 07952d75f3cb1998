"""Alerts reach a human through the real Alertmanager (Debian's 0.25): Lumen evaluates a rule file, posts the
firing alert with its expanded annotations — a trace ID from the exemplar behind the series, and the `lumen
trace` command that opens it — then the resolved one; Alertmanager routes both to a webhook that records them.
And when Alertmanager is down at first, Lumen retries until it is up."""

import http.server
import json
import os
import pathlib
import shutil
import subprocess
import threading
import time

import pytest
import requests

from conftest import LUMEN, ROOT, LumenProcess, free_port, wait_for

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"

RULES = """
groups:
  - name: interop
    interval: 1s
    rules:
      - alert: CheckoutQueueDeep
        expr: checkout_queue_depth > 100
        labels:
          severity: page
        annotations:
          summary: "queue depth {{ $value | humanize }} on {{ $labels.service }}"
          exemplars: "{{ range $exemplars }}{{ . }} {{ end }}"
          open: "{{ $traceCommand }}"
"""


class Webhook:
    """Alertmanager's webhook receiver: records every notification it is sent."""

    def __init__(self):
        self.notifications = []
        received = self.notifications

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self, status):
        return [alert for note in self.notifications for alert in note["alerts"] if alert["status"] == status]

    def close(self):
        self.server.shutdown()


class Alertmanager:
    """`prometheus-alertmanager` on a loopback port, alone (no cluster), flushing groups every second."""

    def __init__(self, tmp_path, webhook, port):
        if ALERTMANAGER is None:
            pytest.fail("prometheus-alertmanager is not installed: Scripts/bootstrap.sh --test-peers installs it")
        self.tmp_path = tmp_path
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.config = tmp_path / "alertmanager.yml"
        self.config.write_text(f"""
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: {webhook.url}
        send_resolved: true
""")
        self.process = None

    def start(self):
        log = open(self.tmp_path / "alertmanager.log", "a")
        self.process = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={self.config}", f"--storage.path={self.tmp_path / 'am-data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address="],
            stdout=log, stderr=subprocess.STDOUT)

        def ready():
            assert self.process.poll() is None, "alertmanager exited: see alertmanager.log"
            try:
                return requests.get(f"{self.url}/-/ready", timeout=1).ok
            except requests.ConnectionError:
                return False

        wait_for(ready, timeout=30)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def resource(kind, items):
    return {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
            kind: items}


def send_span(lumen, now):
    span = {"traceId": TRACE_ID, "spanId": SPAN_ID, "name": "POST /checkout", "kind": 2,
            "startTimeUnixNano": str(now - 300_000_000), "endTimeUnixNano": str(now),
            "status": {"code": 2, "message": "queue full"}}
    body = {"resourceSpans": [resource("scopeSpans", [{"spans": [span]}])]}
    assert requests.post(f"{lumen.otlp}/v1/traces", json=body, timeout=10).status_code == 200


def send_depth(lumen, value, with_exemplar):
    now = time.time_ns()
    point = {"timeUnixNano": str(now), "asDouble": value}
    if with_exemplar:
        point["exemplars"] = [{"timeUnixNano": str(now), "asDouble": value, "traceId": TRACE_ID, "spanId": SPAN_ID}]
    metric = {"name": "checkout_queue_depth", "gauge": {"dataPoints": [point]}}
    body = {"resourceMetrics": [resource("scopeMetrics", [{"metrics": [metric]}])]}
    response = requests.post(f"{lumen.otlp}/v1/metrics", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return now


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def start_lumen(tmp_path, alertmanager_url):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    return LumenProcess(str(tmp_path / "data"), [
        "--rules", str(rules), "--alertmanager", alertmanager_url,
        "--external-url", "https://lumen.example.com/", "--external-label", "cluster=eu-1"]).start()


def test_an_alert_fires_with_its_trace_and_resolves_through_alertmanager(tmp_path, webhook):
    alertmanager = Alertmanager(tmp_path, webhook, free_port()).start()
    lumen = start_lumen(tmp_path, alertmanager.url)
    try:
        send_span(lumen, time.time_ns())
        send_depth(lumen, 1234.0, with_exemplar=True)

        [firing] = wait_for(lambda: webhook.alerts("firing"), timeout=30)
        labels = firing["labels"]
        assert (labels["alertname"], labels["service"], labels["severity"]) == ("CheckoutQueueDeep", "checkout", "page")
        # The server's external label is added, and its external URL (slash trimmed) starts the generator URL.
        assert labels["cluster"] == "eu-1", labels
        assert firing["generatorURL"].startswith("https://lumen.example.com/graph?g0.expr="), firing["generatorURL"]
        assert "__name__" not in labels, labels
        assert firing["annotations"]["summary"] == "queue depth 1.234k on checkout"
        assert firing["annotations"]["exemplars"].split() == [TRACE_ID]
        assert firing["annotations"]["open"] == f"lumen trace {TRACE_ID}"
        assert "checkout_queue_depth" in requests.utils.unquote(firing["generatorURL"])

        # The trace the alert names opens, in the API and in the CLI.
        trace = requests.get(f"{lumen.api}/api/traces/{TRACE_ID}", timeout=10)
        assert trace.status_code == 200, trace.text
        names = [span["name"] for resource in trace.json()["resourceSpans"] for scope in resource["scopeSpans"]
                 for span in scope["spans"]]
        assert names == ["POST /checkout"], names
        assert "POST /checkout" in lumen.cli("trace", TRACE_ID)

        send_depth(lumen, 3.0, with_exemplar=False)
        [resolved] = wait_for(lambda: webhook.alerts("resolved"), timeout=30)
        assert resolved["labels"] == firing["labels"]
        assert resolved["startsAt"] == firing["startsAt"]

        metrics = requests.get(f"{lumen.api}/metrics", timeout=10).text
        assert 'lumen_notifications_sent_total{alertmanager="' + alertmanager.url + '"}' in metrics, metrics
        assert "lumen_notifications_dropped_total 0" in metrics
    finally:
        lumen.stop()
        alertmanager.stop()


def test_alerts_wait_for_an_alertmanager_that_is_down_and_arrive_once_it_is_up(tmp_path, webhook):
    port = free_port()
    alertmanager = Alertmanager(tmp_path, webhook, port)
    lumen = start_lumen(tmp_path, f"http://127.0.0.1:{port}")
    try:
        send_depth(lumen, 500.0, with_exemplar=False)

        def failed_sends():
            metrics = requests.get(f"{lumen.api}/metrics", timeout=10).text
            return any(line.startswith("lumen_notifications_errors_total") and not line.endswith(" 0")
                       for line in metrics.splitlines())

        wait_for(failed_sends, timeout=30)
        alertmanager.start()
        [firing] = wait_for(lambda: webhook.alerts("firing"), timeout=30)
        assert firing["labels"]["alertname"] == "CheckoutQueueDeep"
        assert firing["annotations"]["summary"] == "queue depth 500 on checkout"
    finally:
        lumen.stop()
        alertmanager.stop()


def test_the_shipped_context_rules_page_about_lumen_load_with_a_trace_lumen_trace_opens(tmp_path, webhook):
    """The issue's "done when": the shipped Rules/context.yaml, `lumen load` traffic, the real Alertmanager. Only
    the timing is shortened (interval 1s, no `for`), so the test does not wait two minutes."""
    shipped = (pathlib.Path(ROOT) / "Rules" / "context.yaml").read_text()
    rules = tmp_path / "context.yaml"
    rules.write_text(shipped.replace("interval: 30s", "interval: 1s").replace("for: 2m", "for: 0s"))
    alertmanager = Alertmanager(tmp_path, webhook, free_port()).start()
    lumen = LumenProcess(str(tmp_path / "data"), ["--rules", str(rules), "--alertmanager", alertmanager.url]).start()
    try:
        # Five minutes of the shop's traffic at 60 requests a second (about 2% fail, each failure logs an error),
        # timestamped over the last five minutes: failing spans and error logs both cross their thresholds.
        subprocess.run([LUMEN, "load", "--endpoint", lumen.otlp, "--backfill", "--duration", "5m", "--rate", "60",
                        "--quiet"], check=True, capture_output=True, timeout=300)
        def fired():
            by_name = {}
            for alert in webhook.alerts("firing"):
                by_name.setdefault(alert["labels"]["alertname"], alert)
            return {"ServiceErrorsWithTraces", "ErrorLogBurst"} <= set(by_name) and by_name
        fired_alerts = wait_for(fired, timeout=60)
        alert = fired_alerts["ServiceErrorsWithTraces"]
        assert alert["labels"]["severity"] == "page" and alert["labels"]["service"], alert["labels"]
        traces = alert["annotations"]["traces"].split()
        assert traces and all(len(trace) == 32 for trace in traces), alert["annotations"]
        assert alert["annotations"]["open"] == f"lumen trace {traces[0]}"
        assert "× " in alert["annotations"]["logs"], alert["annotations"]  # "COUNT× TEMPLATE; …"
        burst = fired_alerts["ErrorLogBurst"]
        assert burst["labels"]["severity"] == "ticket" and "errors per second" in burst["annotations"]["summary"]
        assert "× " in burst["annotations"]["logs"] and burst["annotations"]["open"].startswith("lumen trace ")

        # The trace the page names opens in the CLI, with the failing service in it.
        waterfall = lumen.cli("trace", traces[0])
        assert alert["labels"]["service"] in waterfall and "error" in waterfall, waterfall
    finally:
        lumen.stop()
        alertmanager.stop()
