"""The `lumen` CLI against a real server: answers that can be copied, one output layer for every command, and
messages a person can act on (issue 17, items 4, 8 and 10)."""

import http.server
import json
import os
import re
import subprocess
import threading
import time

import pytest
import requests

from conftest import LUMEN, free_port, wait_for

TRACE_ID = re.compile(r"\b[0-9a-f]{32}\b")


def run(*args, timeout=60):
    """Runs `lumen` with its output into a pipe, as a script would."""
    return subprocess.run([LUMEN, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80"})


def load(lumen, duration="2s"):
    result = run("load", "--endpoint", lumen.otlp, "--duration", duration, "--quiet")
    assert result.returncode == 0, result.stderr


def error_traces(lumen):
    return wait_for(lambda: TRACE_ID.findall(lumen.cli("query", "{status=error}")))


def test_a_trace_id_from_the_table_opens_its_trace_whole_or_by_its_first_digits(lumen):
    load(lumen)
    # Into a pipe nothing is cut, even with COLUMNS=80: the ID in the table is the whole ID.
    table = run("query", "{status=error}", "--api", lumen.api).stdout
    assert "…" not in table
    trace_id = TRACE_ID.findall(table)[0]
    assert lumen.cli("trace", trace_id, "--output", "csv").count("\n") > 1
    by_prefix = lumen.cli("trace", trace_id[:8], "--output", "json")
    assert json.loads(by_prefix)["spans"][0]["traceId"] == trace_id
    # The ID as older versions cut it, with its ellipsis, still opens the trace.
    assert lumen.cli("trace", trace_id[:20] + "…", "--output", "csv").startswith("span_id,parent_span_id,")


def test_a_prefix_no_trace_has_and_a_mistyped_id_are_refused_with_what_to_do(lumen):
    load(lumen)
    error_traces(lumen)
    missing = run("trace", "0000000f", "--api", lumen.api)
    assert missing.returncode != 0
    assert "no trace of the last 24h has an ID starting with 0000000f" in missing.stderr
    mistyped = run("trace", "9b567d448577d27025f3%E2%80%A6", "--api", lumen.api)
    assert mistyped.returncode != 0
    assert 'contains "%"' in mistyped.stderr


def test_a_metric_table_into_a_pipe_keeps_every_label_and_instant_and_range_csv_share_a_header(lumen):
    load(lumen)
    query = "http_server_request_duration_seconds_count"
    table = wait_for(lambda: (lambda text: text if "http_route=" in text else None)(
        lumen.cli("query", query)))
    assert "…" not in table
    assert 'service_version="1.4.2"' in table
    instant = lumen.cli("query", query, "--output", "csv").splitlines()[0]
    ranged = lumen.cli("query", query, "--since", "5m", "--step", "30s", "--output", "csv").splitlines()[0]
    assert instant == ranged == "series,time_unix_nano,value"
    # JSON keeps `/` as it is.
    assert '"/checkout"' in lumen.cli("query", query, "--output", "json")


def test_relative_times_after_time_are_values_not_options(lumen):
    load(lumen)
    for args in (["--time", "-5m"], ["--time=-1m"]):
        result = run("query", "http_server_request_duration_seconds_count", *args, "--api", lumen.api)
        assert result.returncode == 0, result.stderr


def test_tail_prints_json_lines_and_csv_as_lines_arrive(lumen):
    load(lumen)
    for output, check in (("jsonl", lambda line: json.loads(line)["service"] == "payment"),
                          ("json", lambda line: json.loads(line)["service"] == "payment"),
                          ("csv", lambda line: line == "time_unix_nano,service,level,trace_id,span_id,line")):
        tail = subprocess.Popen([LUMEN, "tail", '{service="payment"}', "--since", "5m", "--every", "200ms",
                                 "--output", output, "--api", lumen.api], stdout=subprocess.PIPE, text=True)
        try:
            assert check(tail.stdout.readline().rstrip("\n")), output
        finally:
            tail.terminate()
            tail.wait(timeout=10)


def test_load_and_version_take_output_and_version_matches_the_servers_buildinfo(lumen):
    result = run("load", "--endpoint", lumen.otlp, "--duration", "1s", "--output", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failures"] == 0 and summary["spans_acknowledged"] > 0
    version = json.loads(run("version", "--output", "json").stdout)
    served = requests.get(f"{lumen.api}/api/v1/status/buildinfo").json()["data"]
    assert (version["version"], version["revision"], version["build_date"]) == \
        (served["version"], served["revision"], served["buildDate"])
    assert run("--version").stdout.startswith(f"lumen {version['version']} (revision {version['revision']}")


def test_the_api_is_given_as_a_url_or_as_host_and_port(lumen):
    load(lumen)
    host_and_port = lumen.api.removeprefix("http://")
    assert run("services", "--api", host_and_port).returncode == 0


def test_load_against_a_dead_port_gives_up_at_once_with_a_clean_message():
    began = time.monotonic()
    result = run("load", "--endpoint", f"http://127.0.0.1:{free_port()}", "--duration", "2s")
    elapsed = time.monotonic() - began
    assert result.returncode != 0
    assert elapsed < 5, elapsed
    assert "connection refused" in result.stderr
    assert "errno" not in result.stderr
    assert result.stderr.count("(") == result.stderr.count(")")


class Answering(http.server.BaseHTTPRequestHandler):
    """A server answering every request as `reply` says: (status, content type, body)."""
    reply = (503, "application/x-protobuf", b"")

    def _answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.reply(self.path) if callable(self.reply) else self.reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    servers = []

    def start(reply):
        handler = type("Handler", (Answering,), {"reply": staticmethod(reply) if callable(reply) else reply})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def test_load_against_a_server_answering_503_reads_the_status_message_and_stops_soon(fake_server):
    message = "storage unavailable: cannot rename the prepared segment".encode()
    status = bytes([0x08, 14, 0x12, len(message)]) + message  # google.rpc.Status{code: 14, message}
    url = fake_server((503, "application/x-protobuf", status))
    began = time.monotonic()
    result = run("load", "--endpoint", url, "--duration", "2s")
    elapsed = time.monotonic() - began
    assert result.returncode != 0
    assert elapsed < 8, elapsed
    assert "answered 503 Service Unavailable to POST /v1/" in result.stderr
    assert "storage unavailable: cannot rename the prepared segment" in result.stderr
    assert "\ufffd" not in result.stderr


def test_pointing_the_api_at_the_otlp_port_or_at_prometheus_says_what_answered(lumen, fake_server):
    at_otlp = run("query", "up", "--api", lumen.otlp)
    assert at_otlp.returncode != 0
    assert "Lumen's OTLP receiver" in at_otlp.stderr
    assert "the server answered 404" not in at_otlp.stderr

    def prometheus(path):
        if path == "/api/v1/status/buildinfo":
            body = {"status": "success", "data": {"version": "2.42.0", "goVersion": "go1.19.8", "revision": "x"}}
            return 200, "application/json", json.dumps(body).encode()
        return 404, "text/plain; charset=utf-8", b"404 page not found\n"

    at_prometheus = run("query", "up", "--api", fake_server(prometheus))
    assert at_prometheus.returncode != 0
    assert "that is Prometheus 2.42.0, not Lumen" in at_prometheus.stderr
