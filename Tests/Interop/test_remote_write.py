"""Prometheus 2.42 (Debian's) scrapes itself and remote-writes to Lumen: for the same series and time range,
Lumen answers with Prometheus's own samples."""

import time

import pytest
import requests

from conftest import prometheus_writing_to, wait_for


@pytest.fixture
def prometheus(lumen, tmp_path):
    with prometheus_writing_to(
            lumen, tmp_path, ["queue_config: {batch_send_deadline: 1s, max_samples_per_send: 1000}"]) as url:
        yield url


def query_range(base, query, start, end):
    response = requests.get(f"{base}/api/v1/query_range", timeout=10,
                            params={"query": query, "start": start, "end": end, "step": "1"})
    assert response.status_code == 200, response.text
    return {tuple(sorted(series["metric"].items())): series["values"] for series in response.json()["data"]["result"]}


def test_remote_written_samples_equal_prometheus_own(lumen, prometheus):
    def first_scrape():
        result = requests.get(f"{prometheus}/api/v1/query", params={"query": "up"}, timeout=5).json()
        return result["data"]["result"] and int(time.time()) + 1
    start = wait_for(first_scrape, timeout=30)
    time.sleep(14)
    end = int(time.time()) - 3  # what remote write has had time to deliver (1 s batch deadline)
    for query in ["up", "prometheus_tsdb_head_series", "scrape_samples_scraped", 'prometheus_http_requests_total{handler="/metrics"}']:
        def compare():
            ours = query_range(lumen.api, query, start, end)
            theirs = query_range(prometheus, query, start, end)
            return theirs and ours == theirs and theirs
        theirs = wait_for(compare, timeout=20, interval=1)
        points = sum(len(values) for values in theirs.values())
        assert points >= 8, f"{query}: only {points} points to compare"
    status = requests.get(f"{lumen.api}/metrics", timeout=5).text
    assert 'lumen_ingest_accepted_total{protocol="remote_write",signal="samples"}' in status
