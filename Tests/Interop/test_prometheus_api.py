"""The Prometheus API as promtool, prometheus-api-client and Grafana ask it: label answers that follow `match[]`,
`start` and `end`; metric metadata from OTLP, remote write and StatsD; the status endpoints and `GET /`; and
`format_query`, each checked against a real Prometheus 2.42 where one can answer the same question."""

import json
import shutil
import subprocess
import time

import pytest
import requests
import statsd
from prometheus_api_client import PrometheusConnect

from conftest import prometheus_writing_to, wait_for

PROMTOOL = shutil.which("promtool")


def otlp_metrics(at_ns):
    """Request counters of `cart` and `payment`, and a duration histogram of `cart` only, as OTLP/JSON."""
    def resource(service, metric):
        return {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                "scopeMetrics": [{"metrics": [metric]}]}

    def counter(service):
        return resource(service, {
            "name": "http.server.requests", "unit": "{request}", "description": "Requests served",
            "sum": {"aggregationTemporality": 2, "isMonotonic": True,
                    "dataPoints": [{"timeUnixNano": str(at_ns), "asDouble": 3}]}})

    histogram = resource("cart", {
        "name": "http.server.duration", "unit": "s", "description": "Time to answer",
        "histogram": {"aggregationTemporality": 2, "dataPoints": [
            {"timeUnixNano": str(at_ns), "count": "1", "sum": 0.05, "explicitBounds": [0.1],
             "bucketCounts": ["1", "0"]}]}})
    return {"resourceMetrics": [counter("cart"), counter("payment"), histogram]}


@pytest.fixture
def loaded(lumen):
    response = requests.post(f"{lumen.otlp}/v1/metrics", json=otlp_metrics(time.time_ns() - 10**9), timeout=10)
    assert response.status_code == 200, response.text
    return lumen


def promtool(*args):
    if PROMTOOL is None:
        pytest.fail("promtool is not installed: Scripts/bootstrap.sh --test-peers installs it")
    result = subprocess.run([PROMTOOL, "query", *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_promtool_label_values_and_series_follow_match(loaded):
    assert promtool("labels", loaded.api, "service").split() == ["cart", "payment"]
    assert promtool("labels", "--match=http_server_duration_seconds_count", loaded.api, "service").split() == ["cart"]
    assert promtool("labels", "--match={service=\"payment\"}", loaded.api, "__name__").split() \
        == ["http_server_requests_total"]
    # A window before the data holds no labels.
    hour_ago = str(int(time.time()) - 3600)
    assert promtool("labels", f"--start={int(hour_ago) - 600}", f"--end={hour_ago}", loaded.api, "service") == ""
    series = promtool("series", "--match={service=\"payment\"}", loaded.api).split("\n")
    assert [line for line in series if line] == ['{__name__="http_server_requests_total", service="payment"}']


def test_prometheus_api_client_connects_and_reads_labels_and_metadata(loaded):
    client = PrometheusConnect(url=loaded.api, disable_ssl=True)
    assert client.check_prometheus_connection()
    assert "http_server_duration_seconds_bucket" in client.all_metrics()
    assert client.get_label_values("service", params={"match[]": "http_server_duration_seconds_sum"}) == ["cart"]
    assert "le" not in client.get_label_names(params={"match[]": "http_server_requests_total"})
    assert client.get_metric_metadata("http_server_requests_total") == [
        {"metric_name": "http_server_requests_total", "type": "counter", "help": "Requests served", "unit": ""}]
    assert client.get_metric_metadata("http_server_duration_seconds") == [
        {"metric_name": "http_server_duration_seconds", "type": "histogram", "help": "Time to answer",
         "unit": "seconds"}]


def test_statsd_metrics_are_described_by_their_type(lumen):
    client = statsd.StatsClient("127.0.0.1", lumen.statsd_port)

    def described():
        client.incr("jobs.done")
        client.timing("api.latency", 12)
        found = requests.get(f"{lumen.api}/api/v1/metadata", timeout=5).json()["data"]
        return found if "jobs_done_total" in found and "api_latency_seconds" in found else None

    found = wait_for(described)
    assert found["jobs_done_total"] == [{"type": "counter", "help": "jobs.done: StatsD counter", "unit": ""}]
    assert found["api_latency_seconds"][0]["type"] == "summary"
    assert found["api_latency_seconds"][0]["unit"] == "seconds"


@pytest.fixture
def prometheus(lumen, tmp_path):
    """Prometheus 2.42 remote-writing its samples and, every second, its metadata to Lumen."""
    with prometheus_writing_to(
            lumen, tmp_path, ["queue_config: {batch_send_deadline: 1s}", "metadata_config: {send_interval: 1s}"]) as url:
        yield url


def data(base, path, **params):
    response = requests.get(f"{base}{path}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


FORMAT_QUERIES = [
    'sum by(job)(rate(http_requests_total{job="api",code!~"5.."}[5m]))',
    'a + on(job) group_left(team) b > bool 1',
    "topk(5, x offset -1h30m)",
    "x[365d] @ 1700000000.5",
    "max_over_time(rate(x[90s])[1h:])",
    '-1e6 * 0.00001 + label_replace(up, "a", "$1", "b", "(.*)")',
    'histogram_quantile(0.99, sum by (le, service) (rate(http_server_request_duration_seconds_bucket{service="checkout", '
    'route=~"/api/.*"}[5m])))',
    'sum by (service) (rate(http_server_requests_total{status_code=~"5..", service="payment"}[5m])) '
    '/ sum by (service) (rate(http_server_requests_total{service="payment"}[5m]))',
]


def test_answers_match_prometheus_for_the_same_questions(lumen, prometheus):
    # Metadata Prometheus scraped from itself and sent on by remote write.
    metric = "prometheus_http_requests_total"

    def arrived():
        return data(lumen.api, "/api/v1/metadata", metric=metric).get(metric)

    assert wait_for(arrived, timeout=30) == data(prometheus, "/api/v1/metadata", metric=metric)[metric]
    # The same formatting of the same expressions.
    for query in FORMAT_QUERIES:
        assert data(lumen.api, "/api/v1/format_query", query=query) \
            == data(prometheus, "/api/v1/format_query", query=query), query
    # The same fields in the status answers.
    for path in ["/api/v1/status/buildinfo", "/api/v1/status/runtimeinfo"]:
        assert sorted(data(lumen.api, path)) == sorted(data(prometheus, path)), path
    # Label values of a metric Prometheus wrote, selected alike (Lumen holds only what was written to it).
    def written():
        return data(lumen.api, "/api/v1/label/job/values", **{"match[]": "up"})

    assert wait_for(written, timeout=30) == data(prometheus, "/api/v1/label/job/values", **{"match[]": "up"})


def test_the_root_answers_so_clients_see_a_server(lumen):
    response = requests.get(f"{lumen.api}/", timeout=5)
    assert response.ok
    assert "Lumen" in response.text
    assert PrometheusConnect(url=lumen.api, disable_ssl=True).check_prometheus_connection()
    json.loads(requests.get(f"{lumen.api}/api/v1/status/buildinfo", timeout=5).text)
