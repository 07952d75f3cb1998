"""Grafana's Loki data source against a real `lumen serve`: every request replayed as Grafana sends it (read
from grafana/grafana `pkg/tsdb/loki` and `public/app/plugins/datasource/loki`: method, parameters, headers),
checked for status, content type and shape; real Loki clients (python-logging-loki, loki-logger-handler)
pushing lines that the Loki API then reads back; and Loki's answers agreeing with Lumen's native API."""

import logging
import time
import uuid

import logging_loki
import pytest
import requests
from loki_logger_handler.loki_logger_handler import LokiLoggerHandler

from conftest import wait_for

SECOND = 1_000_000_000
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
# Grafana's backend asks for structured metadata apart from the stream labels, and tags its supporting queries.
CATEGORIZE = {"X-Loki-Response-Encoding-Flags": "categorize-labels"}


def push(lumen, streams):
    response = requests.post(f"{lumen.otlp}/loki/api/v1/push", json={"streams": streams}, timeout=10)
    assert response.status_code == 204, response.text


@pytest.fixture
def shop(lumen):
    """Six lines of service `shop` over the last minute: JSON and logfmt bodies, three levels, one with a
    trace ID in structured metadata. Returns (lumen, start ns, end ns, the lines' times)."""
    now = time.time_ns()
    base = now - 60 * SECOND
    times = [base + i * 5 * SECOND for i in range(6)]
    push(lumen, [
        {"stream": {"service_name": "shop", "level": "error", "env": "prod"},
         "values": [[str(times[0]), '{"msg":"cart timeout","status":504,"latency":"1.5s"}', {"trace_id": TRACE_ID}],
                    [str(times[3]), "level=error msg=\"card declined\" status=502 duration=550ms"]]},
        {"stream": {"service_name": "shop", "level": "info", "env": "prod"},
         "values": [[str(times[1]), '{"msg":"ok","status":200,"latency":"20ms"}'],
                    [str(times[4]), "level=info msg=ok status=200 duration=30ms"]]},
        {"stream": {"service_name": "shop", "level": "warn", "env": "dev"},
         "values": [[str(times[2]), "slow request took 1200ms"], [str(times[5]), "slow request took 900ms"]]},
    ])
    start, end = base - SECOND, now + SECOND
    wait_for(lambda: len(query_range(lumen, '{service_name="shop"}', start, end).json()["data"]["result"]) > 0)
    return lumen, start, end, times


def query_range(lumen, expr, start, end, *, step_ms=1000, limit=1000, direction="backward", headers=None,
                tags=None):
    """Exactly Grafana's makeDataRequest for a range query: GET, these five or six parameters, step in ms."""
    params = {"direction": direction, "end": str(end), "limit": str(limit), "query": expr, "start": str(start),
              "step": f"{step_ms}ms"}
    headers = dict(headers or {})
    if tags:
        headers["X-Query-Tags"] = f"Source={tags}"
    return requests.get(f"{lumen.api}/loki/api/v1/query_range", params=params, headers=headers, timeout=30)


def json_ok(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_save_and_test_is_one_sample_of_two(lumen):
    # healthcheck.go: instant query vector(1)+vector(1), time range 1s..4s, so time=4000000000, no limit.
    response = requests.get(f"{lumen.api}/loki/api/v1/query", params={
        "direction": "backward", "query": "vector(1)+vector(1)", "time": "4000000000"}, timeout=10)
    body = json_ok(response)
    assert body["status"] == "success"
    assert body["data"]["resultType"] == "vector"
    assert len(body["data"]["result"]) == 1
    sample = body["data"]["result"][0]
    assert sample["metric"] == {}
    assert float(sample["value"][1]) == 2
    assert "stats" in body["data"]


def test_log_query_answers_streams_with_structured_metadata_when_categorized(shop):
    lumen, start, end, times = shop
    body = json_ok(query_range(lumen, '{service_name="shop"} | json', start, end, headers=CATEGORIZE))
    data = body["data"]
    assert data["resultType"] == "streams"
    assert data["encodingFlags"] == ["categorize-labels"]
    assert "summary" in data["stats"]
    values = [value for stream in data["result"] for value in stream["values"]]
    assert len(values) == 6
    assert all(isinstance(value[0], str) and isinstance(value[1], str) for value in values)
    traced = [value for value in values if value[0] == str(times[0])][0]
    assert traced[2]["structuredMetadata"]["trace_id"] == TRACE_ID
    assert traced[2]["parsed"]["status"] == "504"
    for stream in data["result"]:
        # Only the indexed labels are the stream; level and detected_level come from the severity.
        assert stream["stream"]["service"] == "shop"
        assert stream["stream"]["level"] == stream["stream"]["detected_level"]
        assert "trace_id" not in stream["stream"] and "status" not in stream["stream"]


def test_plain_encoding_folds_metadata_into_two_element_values(shop):
    lumen, start, end, times = shop
    body = json_ok(query_range(lumen, '{service_name="shop", level="error"}', start, end))
    data = body["data"]
    assert "encodingFlags" not in data
    assert all(len(value) == 2 for stream in data["result"] for value in stream["values"])
    streams = {stream["stream"].get("trace_id"): stream for stream in data["result"]}
    assert TRACE_ID in streams


def test_direction_orders_lines_and_limit_cuts_them(shop):
    lumen, start, end, times = shop
    backward = json_ok(query_range(lumen, '{service_name="shop"}', start, end, limit=2))["data"]["result"]
    newest = sorted(int(value[0]) for stream in backward for value in stream["values"])
    assert newest == times[-2:]
    forward = json_ok(query_range(lumen, '{service_name="shop"}', start, end, limit=2, direction="forward"))
    oldest = [int(value[0]) for stream in forward["data"]["result"] for value in stream["values"]]
    assert sorted(oldest) == times[:2]
    # Loki's default limit is 100; the store holds fewer here, so all six come back.
    response = requests.get(f"{lumen.api}/loki/api/v1/query_range", params={
        "query": '{service_name="shop"}', "start": str(start), "end": str(end)}, timeout=10)
    assert sum(len(stream["values"]) for stream in json_ok(response)["data"]["result"]) == 6


def test_log_volume_groups_by_level_and_agrees_with_the_native_count(shop):
    lumen, start, end, times = shop
    # The newer log-volume query (Explore, Logs Drilldown) with $__auto already interpolated to the step.
    expr = 'sum by (level, detected_level) (count_over_time({service_name="shop"} | drop __error__ [1m]))'
    body = json_ok(query_range(lumen, expr, start, end, step_ms=60000, tags="logvolhist"))
    assert body["data"]["resultType"] == "matrix"
    levels = {}
    for series in body["data"]["result"]:
        assert set(series["metric"]) == {"level", "detected_level"}
        assert all(isinstance(point[0], (int, float)) and isinstance(point[1], str) for point in series["values"])
        levels[series["metric"]["level"]] = series
    assert set(levels) == {"error", "info", "warn"}
    # The older form, instant at the end over the whole range, counts every line once.
    older = json_ok(requests.get(f"{lumen.api}/loki/api/v1/query", params={
        "direction": "backward", "query": 'sum by (level) (count_over_time({service_name="shop"}[2m]))',
        "time": str(end)}, headers={"X-Query-Tags": "Source=logvolhist"}, timeout=10))
    counts = {sample["metric"]["level"]: float(sample["value"][1]) for sample in older["data"]["result"]}
    assert counts == {"error": 2, "info": 2, "warn": 2}
    native = requests.get(f"{lumen.api}/lumen/v1/query", params={
        "query": '{service="shop"}', "start": str(start / 1e9), "end": str(end / 1e9), "limit": "100"}, timeout=10)
    assert native.status_code == 200, native.text
    assert sum(counts.values()) == len(native.json()["logs"]) == 6


def test_metric_queries_over_parsed_fields(shop):
    lumen, start, end, times = shop
    instant = lambda expr: json_ok(requests.get(f"{lumen.api}/loki/api/v1/query", params={
        "query": expr, "time": str(end)}, timeout=10))["data"]
    data = instant('sum(sum_over_time({service_name="shop"} | logfmt | drop __error__ | unwrap status [2m]))')
    assert float(data["result"][0]["value"][1]) == 702
    data = instant('topk(1, sum by (env) (count_over_time({service_name="shop"}[2m])))')
    assert [sample["metric"]["env"] for sample in data["result"]] == ["prod"]
    data = instant('sum(rate({service_name="shop"} |= "slow" [2m]))')
    assert float(data["result"][0]["value"][1]) == pytest.approx(2 / 120)
    data = instant('max(max_over_time({service_name="shop"} | pattern "slow request took <ms>ms" | unwrap ms [2m]))')
    assert float(data["result"][0]["value"][1]) == 1200


def test_pipeline_stages_grafana_writes(shop):
    lumen, start, end, times = shop
    lines = lambda expr: [value[1] for stream in json_ok(query_range(lumen, expr, start, end))["data"]["result"]
                          for value in stream["values"]]
    assert lines('{service_name="shop"} |= "slow" != "900"') == ["slow request took 1200ms"]
    # The logfmt line is no JSON: it keeps its line with __error__ set, and a missing label renders as "".
    assert sorted(lines('{service_name="shop"} |~ "card|cart" | json | line_format "{{.msg}}"')) == [
        "", "cart timeout"]
    assert lines('{service_name="shop"} | logfmt | status >= 500 | line_format "{{.status}} {{.msg | ToUpper}}"') \
        == ["502 CARD DECLINED"]
    formatted = json_ok(query_range(lumen, '{service_name="shop"} | json | label_format code=status | code="504"',
                                    start, end, headers=CATEGORIZE))["data"]["result"]
    assert formatted[0]["values"][0][2]["parsed"]["code"] == "504"
    kept = json_ok(query_range(lumen, '{service_name="shop"} | keep service', start, end))["data"]["result"]
    assert [stream["stream"] for stream in kept] == [{"service": "shop"}]


def test_label_browser(shop):
    lumen, start, end, times = shop
    window = {"start": str(start), "end": str(end)}
    names = json_ok(requests.get(f"{lumen.api}/loki/api/v1/labels", params=window, timeout=10))
    assert names["status"] == "success"
    assert {"service", "env", "level", "detected_level", "severity"} <= set(names["data"])
    values = json_ok(requests.get(f"{lumen.api}/loki/api/v1/label/env/values", params=window, timeout=10))
    assert values["data"] == ["dev", "prod"]
    narrowed = json_ok(requests.get(f"{lumen.api}/loki/api/v1/label/level/values",
                                    params={**window, "query": '{env="prod"}'}, timeout=10))
    assert narrowed["data"] == ["error", "info"]
    # series: GET with match[], and POST as a form (the label browser's "Validate selector").
    got = json_ok(requests.get(f"{lumen.api}/loki/api/v1/series",
                               params={**window, "match[]": '{service_name="shop", env="prod"}'}, timeout=10))
    assert len(got["data"]) == 2 and all(series["env"] == "prod" for series in got["data"])
    posted = json_ok(requests.post(f"{lumen.api}/loki/api/v1/series",
                                   data={**window, "match[]": ['{env="dev"}', '{level="error"}']}, timeout=10))
    assert sorted(series["level"] for series in posted["data"]) == ["error", "warn"]


def test_index_endpoints(shop):
    lumen, start, end, times = shop
    window = {"start": str(start), "end": str(end), "query": '{service_name="shop"}'}
    stats = json_ok(requests.get(f"{lumen.api}/loki/api/v1/index/stats", params=window, timeout=10))
    assert set(stats) == {"streams", "chunks", "entries", "bytes"}
    assert stats["streams"] == 3 and stats["entries"] == 6 and stats["bytes"] > 0
    volume = json_ok(requests.get(f"{lumen.api}/loki/api/v1/index/volume",
                                  params={**window, "targetLabels": "level", "limit": "2"}, timeout=10))
    assert volume["data"]["resultType"] == "vector" and len(volume["data"]["result"]) == 2
    assert all(set(sample["metric"]) == {"level"} for sample in volume["data"]["result"])
    ranged = json_ok(requests.get(f"{lumen.api}/loki/api/v1/index/volume_range",
                                  params={**window, "step": "60"}, timeout=10))
    assert ranged["data"]["resultType"] == "matrix"
    total = sum(float(point[1]) for series in ranged["data"]["result"] for point in series["values"])
    assert total == stats["bytes"]


def test_detected_and_patterns(shop):
    lumen, start, end, times = shop
    window = {"start": str(start), "end": str(end), "query": '{service_name="shop"}'}
    labels = json_ok(requests.get(f"{lumen.api}/loki/api/v1/detected_labels", params=window, timeout=10))
    cardinality = {entry["label"]: entry["cardinality"] for entry in labels["detectedLabels"]}
    assert cardinality["env"] == 2 and cardinality["level"] == 3
    fields = json_ok(requests.get(f"{lumen.api}/loki/api/v1/detected_fields", params=window, timeout=10))
    by_name = {field["label"]: field for field in fields["fields"]}
    assert by_name["status"]["type"] == "int" and by_name["status"]["cardinality"] == 3
    assert sorted(by_name["status"]["parsers"]) == ["json", "logfmt"]
    assert by_name["trace_id"]["parsers"] is None
    values = json_ok(requests.get(f"{lumen.api}/loki/api/v1/detected_field/status/values", params=window, timeout=10))
    assert values["values"] == ["200", "502", "504"]
    patterns = json_ok(requests.get(f"{lumen.api}/loki/api/v1/patterns", params={**window, "step": "60s"}, timeout=10))
    found = {pattern["pattern"]: sum(count for _, count in pattern["samples"]) for pattern in patterns["data"]}
    assert found["slow request took <_>ms"] == 2


def test_status_format_and_errors(lumen):
    build = json_ok(requests.get(f"{lumen.api}/loki/api/v1/status/buildinfo", timeout=10))
    assert "version" in build
    formatted = json_ok(requests.get(f"{lumen.api}/loki/api/v1/format_query",
                                     params={"query": '{a="b"} |= "x"'}, timeout=10))
    assert formatted["data"] == '{a="b"} |= "x"'
    # Grafana tries v2alpha tail first and falls back to v1 on 404.
    assert requests.get(f"{lumen.api}/loki/api/v2alpha/tail", timeout=10).status_code == 404
    for params, fragment in [
        ({"query": '{a="b"'}, "parse error"),
        ({"query": '{a="b"}', "time": "1700000000"}, "instant query type"),
        ({"query": '{a="b"}', "limit": "999999"}, "max entries limit"),
        ({"query": '{a="b"}', "start": "1e400"}, "start"),
    ]:
        path = "query" if "time" in params else "query_range"
        response = requests.get(f"{lumen.api}/loki/api/v1/{path}", params=params, timeout=10)
        assert response.status_code == 400, (params, response.text)
        assert response.headers["Content-Type"].startswith("text/plain")
        assert fragment in response.text


def test_real_clients_push_and_the_loki_api_reads_back(lumen):
    run = uuid.uuid4().hex[:8]
    classic = logging_loki.LokiHandler(url=f"{lumen.otlp}/loki/api/v1/push", tags={"application": "classic"},
                                       version="1")
    handler = LokiLoggerHandler(url=f"{lumen.otlp}/loki/api/v1/push", labels={"application": "modern"},
                                timeout=1, compressed=True)
    logger = logging.getLogger(f"interop-{run}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(classic)
    logger.addHandler(handler)
    try:
        logger.error("payment %s failed", run)
        logger.info("payment %s retried", run)
    finally:
        logger.removeHandler(classic)
        logger.removeHandler(handler)
    now = time.time_ns()

    def lines(application):
        response = query_range(lumen, f'{{application="{application}"}} |= "{run}"', now - 120 * SECOND,
                               now + 60 * SECOND, headers=CATEGORIZE)
        return json_ok(response)["data"]["result"]

    wait_for(lambda: sum(len(stream["values"]) for stream in lines("modern")) == 2, timeout=20)
    classic_streams = lines("classic")
    # python-logging-loki labels each line with its level as `severity`; Lumen reads that as the severity.
    assert sorted(stream["stream"]["level"] for stream in classic_streams) == ["error", "info"]
    assert all(stream["stream"]["logger"] == f"interop-{run}" for stream in classic_streams)
    modern = [value[1] for stream in lines("modern") for value in stream["values"]]
    assert any(f"payment {run} failed" in line for line in modern)


@pytest.fixture
def web(lumen):
    """Six lines of service `web`: access lines, two coloured by ANSI escapes, two JSON bodies, one logfmt.
    Returns (lumen, start ns, end ns, the lines)."""
    now = time.time_ns()
    lines = [
        "\x1b[32mGET\x1b[0m /api/cart 200 12ms",
        "\x1b[31mPOST\x1b[0m /api/pay 503 950ms",
        "GET /health 200 1ms",
        '{"request":{"method":"GET","path":"/api/cart"},"response":{"status":200},"items":[{"sku":"a1"}]}',
        '{"request":{"method":"POST","path":"/api/pay"},"response":{"status":503},"items":[]}',
        "method=GET path=/api/cart status=200 user= broken\"pair debug",
    ]
    times = [now - (60 - i) * SECOND for i in range(len(lines))]
    push(lumen, [{"stream": {"service_name": "web"}, "values": [[str(t), line] for t, line in zip(times, lines)]}])
    start, end = now - 120 * SECOND, now + SECOND
    wait_for(lambda: len(query_range(lumen, '{service_name="web"}', start, end).json()["data"]["result"]) > 0)
    return lumen, start, end, lines


def parsed_by_line(lumen, expr, start, end):
    """Grafana's Explore request (categorized labels): each line with the labels the pipeline parsed."""
    body = json_ok(query_range(lumen, expr, start, end, direction="forward", headers=CATEGORIZE))
    values = sorted((value for stream in body["data"]["result"] for value in stream["values"]), key=lambda v: v[0])
    return [(value[1], value[2].get("parsed", {}) if len(value) > 2 else {}) for value in values]


def native_logs(lumen, query, start, end):
    response = requests.get(f"{lumen.api}/lumen/v1/query", params={
        "query": query, "start": str(start / 1e9), "end": str(end / 1e9), "limit": "100"}, timeout=10)
    assert response.status_code == 200, response.text
    return sorted(response.json()["logs"], key=lambda log: log["timeUnixNano"])


# The query builder's renderers (grafana/grafana public/app/plugins/datasource/loki/querybuilder): `| regexp` with
# its pattern in backticks, `| decolorize` bare, `| json a, b="x"` and `| logfmt --strict --keep-empty a, b="x"`.
ACCESS = r"(?P<method>\w+) (?P<path>/\S*) (?P<status>\d+) (?P<ms>\d+)ms"


def test_regexp_and_decolorize_as_the_query_builder_writes_them(web):
    lumen, start, end, lines = web
    plain = parsed_by_line(lumen, f'{{service_name="web"}} | decolorize | regexp `{ACCESS}`', start, end)
    assert [line for line, _ in plain[:3]] == ["GET /api/cart 200 12ms", "POST /api/pay 503 950ms", lines[2]]
    assert [fields for _, fields in plain[:3]] == [
        {"method": "GET", "path": "/api/cart", "status": "200", "ms": "12"},
        {"method": "POST", "path": "/api/pay", "status": "503", "ms": "950"},
        {"method": "GET", "path": "/health", "status": "200", "ms": "1"},
    ]
    assert all(fields == {} for _, fields in plain[3:])  # no match: no labels, no error
    # A capture named like a stream label is `<name>_extracted`, as Loki's parsers name it.
    clash = parsed_by_line(lumen, '{service_name="web"} | regexp `^(?P<service>\\w+) `', start, end)
    assert [fields for _, fields in clash] == [{}, {}, {"service_extracted": "GET"}, {}, {}, {}]
    # Without decolorize the escape sequence's `0m` is the first word before a space.
    coloured = parsed_by_line(lumen, f'{{service_name="web"}} | regexp `{ACCESS}`', start, end)
    assert [fields.get("method") for _, fields in coloured[:3]] == ["0m", "0m", "GET"]
    # The same pipeline through Lumen's native API gives the same fields.
    native = native_logs(lumen, f'{{service="web"}} | decolorize | regexp `{ACCESS}`', start, end)
    assert [log["body"] for log in native[:3]] == [line for line, _ in plain[:3]]
    assert [{k: log["attributes"][k] for k in ("method", "path", "status", "ms")} for log in native[:3]] \
        == [fields for _, fields in plain[:3]]
    # A metric query over the captures (the log volume of a regexp-parsed label, step already interpolated).
    expr = f'sum by (status) (count_over_time({{service_name="web"}} | decolorize | regexp `{ACCESS}` [2m]))'
    body = json_ok(requests.get(f"{lumen.api}/loki/api/v1/query", params={"query": expr, "time": str(end)},
                                timeout=10))
    counts = {sample["metric"].get("status", ""): float(sample["value"][1]) for sample in body["data"]["result"]}
    assert counts == {"200": 2, "503": 1, "": 3}
    unwrapped = json_ok(requests.get(f"{lumen.api}/loki/api/v1/query", params={
        "query": f'max(max_over_time({{service_name="web"}} | decolorize | regexp `{ACCESS}` | unwrap ms [2m]))',
        "time": str(end)}, timeout=10))
    assert float(unwrapped["data"]["result"][0]["value"][1]) == 950
    # format_query lays a long pipeline out a stage a line, as Loki's Prettify does; the result still runs.
    long = f'{{service_name="web"}} |= "GET" | decolorize | regexp `{ACCESS}` | status >= 200 | line_format "{{{{.path}}}}"'
    formatted = json_ok(requests.get(f"{lumen.api}/loki/api/v1/format_query", params={"query": long}, timeout=10))
    assert formatted["data"].split("\n") == ['{service_name="web"}', '  |= "GET"', "  | decolorize",
                                             f"  | regexp `{ACCESS}`", "  | status >= 200", '  | line_format "{{.path}}"']
    ran = json_ok(query_range(lumen, formatted["data"], start, end))["data"]["result"]
    assert sorted(value[1] for stream in ran for value in stream["values"]) == ["/api/cart", "/health"]
    # A pattern without a named group is refused at parse time, with the reason.
    response = query_range(lumen, '{service_name="web"} | regexp `(\\d+)`', start, end)
    assert response.status_code == 400 and "named capture" in response.text


def test_json_and_logfmt_parameters_as_the_query_builder_writes_them(web):
    lumen, start, end, lines = web
    expr = '{service_name="web"} | json method="request.method", status="response.status", sku="items[0].sku"'
    parsed = parsed_by_line(lumen, expr, start, end)
    assert parsed[3][1] == {"method": "GET", "status": "200", "sku": "a1"}
    # A path the line lacks gives "", and a label with an empty value is no label in Loki's answers.
    assert parsed[4][1] == {"method": "POST", "status": "503"}
    assert parsed[0][1]["__error__"] == "JSONParserErr"
    failing = parsed_by_line(lumen, expr + " | status >= 500", start, end)
    assert [line for line, _ in failing] == [lines[4]]
    native = native_logs(lumen, '{service="web"} | json status="response.status" | status >= 500', start, end)
    assert [log["body"] for log in native] == [lines[4]]

    logfmt = parsed_by_line(lumen, '{service_name="web"} | logfmt --strict --keep-empty method, code="status", user',
                            start, end)
    # --strict: the malformed `broken"pair` ends the read with an error; what came before it stays.
    assert logfmt[5][1] == {"method": "GET", "code": "200", "__error__": "LogfmtParserErr"}
    lenient = parsed_by_line(lumen, '{service_name="web"} | logfmt --keep-empty | line_format "{{.debug}}-{{.path}}"',
                             start, end)
    assert lenient[5] == ("-/api/cart", {"method": "GET", "path": "/api/cart", "status": "200"})
