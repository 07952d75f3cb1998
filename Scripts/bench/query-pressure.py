#!/usr/bin/env python3
"""Queries beside ingest (issue 22, item 8): one release `lumen serve` holding SERIES series sampled every 15 s for
HOURS hours (Prometheus remote write, in time order); then the latency of a probe write (one sample by remote write,
acknowledged after its fsync) measured alone, and again while QUERIES heavy queries run at once, over and over:
`rate()` over every series at a 1 s step across the whole range (HOURS × 3,600 steps; at the defaults 2,000 series ×
10,800 steps, the issue's "eight concurrent 11,000-step rate() queries over 2,000 series"), a catastrophic regex
against every series' labels, and 10,000 nested parentheses. Each query must end within the query timeout, with an
answer or a clear error, and the server must stay up.

The probe keeps one connection, as remote-write senders and OTLP exporters do (`--new-connections`: one per probe,
so the accept is timed too), and each querier is a process of its own.

Prints a JSON summary: the probe's p50/p95/max alone and under the queries and their ratios, the median of three
range queries run alone, each query kind's statuses and seconds under load, and the server's peak resident set.

    Scripts/bench/query-pressure.py --lumen .build/release/lumen [--series 2000] [--hours 3] [--queries 8]
                                    [--route prometheus|native] [--new-connections]

`--route native` asks the same queries of Lumen's own API (`/lumen/v1/query`) instead of Prometheus'.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "promql"))
from load import snappy_literals, varint  # noqa: E402  (the remote-write encoding the PromQL bench sends)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def write_body(series, first_step, steps, start_ms):
    """A WriteRequest: `steps` samples, 15 s apart from step `first_step`, of every series in `series` (a label value
    and a slope each)."""
    body = b""
    for value, slope in series:
        labels = (("__name__", "pressure_samples"), ("series", value))
        encoded = b"".join(field(1, field(1, k.encode()) + field(2, v.encode())) for k, v in labels)
        for step in range(first_step, first_step + steps):
            millis = start_ms + step * 15_000
            encoded += field(2, b"\x09" + struct.pack("<d", float(step * slope)) + b"\x10" + varint(millis))
        body += field(1, encoded)
    return snappy_literals(body)


HEADERS = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
           "X-Prometheus-Remote-Write-Version": "0.1.0"}


def request(method, url, body=None, headers=None, timeout=300):
    """(status, seconds); a connection failure is status 0."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers=headers or {}),
                                    timeout=timeout) as answer:
            answer.read()
            return answer.status, time.monotonic() - began
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, time.monotonic() - began
    except (urllib.error.URLError, OSError):
        return 0, time.monotonic() - began


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lumen", required=True)
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--hours", type=float, default=3)
    parser.add_argument("--queries", type=int, default=8)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--port", type=int, default=21690)
    parser.add_argument("--route", choices=["prometheus", "native"], default="prometheus")
    parser.add_argument("--new-connections", action="store_true", help="a new connection for each probe")
    options = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="lumen-query-pressure-")
    api, ingest = f"http://127.0.0.1:{options.port}", f"http://127.0.0.1:{options.port + 1}"
    server = subprocess.Popen(
        [options.lumen, "serve", "--data-dir", os.path.join(directory, "data"), "--api", f"127.0.0.1:{options.port}",
         "--otlp-http", f"127.0.0.1:{options.port + 1}", "--otlp-grpc", "off", "--statsd", "off", "--syslog", "off",
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "server.log"), "w"))
    try:
        deadline = time.monotonic() + 60
        while request("GET", api + "/ready", timeout=2)[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not become ready")
            time.sleep(0.2)

        # The dataset, in time order: each request holds 8 steps of every series.
        steps = int(options.hours * 240)
        start_ms = int(time.time() * 1000) - steps * 15_000
        # One label value is the regex bomb's: 22 ones and a "!", on which a backtracking `(1+)+$` takes 2^22 steps.
        series = [(str(number), number % 7 + 1) for number in range(options.series - 1)] + [("1" * 22 + "!", 1)]
        for first in range(0, steps, 8):
            status, _ = request("POST", ingest + "/api/v1/write", write_body(series, first, min(8, steps - first),
                                                                               start_ms), HEADERS)
            if status not in (200, 204):
                raise SystemExit(f"loading the dataset: {status}")

        probe_millis = [int(time.time() * 1000)]
        # One kept connection, as remote-write senders and OTLP exporters keep theirs; `--new-connections` opens one
        # per probe, and then also times the accept.
        connection = http.client.HTTPConnection("127.0.0.1", options.port + 1, timeout=60)

        def probe():
            probe_millis[0] = max(int(time.time() * 1000), probe_millis[0] + 1)
            body = snappy_literals(field(1, field(1, field(1, b"__name__") + field(2, b"pressure_probe"))
                                         + field(2, b"\x09" + struct.pack("<d", 1.0) + b"\x10"
                                                 + varint(probe_millis[0]))))
            if options.new_connections:
                status, seconds = request("POST", ingest + "/api/v1/write", body, HEADERS, timeout=60)
                return seconds if status in (200, 204) else None
            began = time.monotonic()
            try:
                connection.request("POST", "/api/v1/write", body, HEADERS)
                answer = connection.getresponse()
                answer.read()
                return time.monotonic() - began if answer.status in (200, 204) else None
            except (http.client.HTTPException, OSError):
                connection.close()  # reconnects at the next request
                return None

        def probes(count):
            latencies, failed = [], 0
            for _ in range(count):
                seconds = probe()
                if seconds is None:
                    failed += 1
                else:
                    latencies.append(seconds)
                time.sleep(0.02)
            return latencies, failed

        idle, idle_failed = probes(options.probes)

        now = time.time()
        instant, ranged = (("/api/v1/query", "/api/v1/query_range") if options.route == "prometheus"
                           else ("/lumen/v1/query", "/lumen/v1/query"))
        heavy = {
            "rate_every_second": (ranged, {
                "query": "rate(pressure_samples[1m])", "start": now - steps * 15, "end": now, "step": "1"}),
            "regex_bomb": (instant, {"query": 'count(pressure_samples{series=~"(1+)+$"})'}),
            "nesting_10000": (instant, {"query": "(" * 10_000 + "1" + ")" * 10_000}),
        }
        # What one range query costs alone: the work the probe then shares the machine with.
        path, parameters = heavy["rate_every_second"]
        alone_rate = [request("GET", f"{api}{path}?{urllib.parse.urlencode(parameters)}")[1] for _ in range(3)]
        kinds = ["rate_every_second"] * max(1, options.queries - 2) + ["regex_bomb", "nesting_10000"]
        forked = multiprocessing.get_context("fork")  # the queriers are closures: forked, not pickled
        stop = forked.Event()
        finished = forked.Queue()
        answers = {kind: [] for kind in heavy}

        def querier(kind):
            path, parameters = heavy[kind]
            while not stop.is_set():
                status, seconds = request("GET", f"{api}{path}?{urllib.parse.urlencode(parameters)}")
                finished.put((kind, status, seconds))

        # Each querier is a process of its own: threads of this one would hold the probe up on Python's lock while
        # they read their answers, and the figure would be the client's.
        queriers = [forked.Process(target=querier, args=(kind,)) for kind in kinds]
        for process in queriers:
            process.start()
        time.sleep(2)  # every query under way
        loaded, loaded_failed = probes(options.probes)
        stop.set()
        # Drained while they finish their last query: a process does not end before its queue is read.
        while any(process.is_alive() for process in queriers) or not finished.empty():
            try:
                kind, status, seconds = finished.get(timeout=0.5)
                answers[kind].append((status, seconds))
            except queue.Empty:
                pass
        for process in queriers:
            process.join()

        peak = 0
        with open(f"/proc/{server.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) // 1024

        def summary(latencies):
            return {"p50_ms": round(statistics.median(latencies) * 1000, 1),
                    "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
                    "max_ms": round(max(latencies) * 1000, 1)}

        alone, beside = summary(idle), summary(loaded)
        print(json.dumps({
            "route": options.route, "probe_connections": "new" if options.new_connections else "kept",
            "series": options.series, "steps_per_range_query": steps * 15,
            "concurrent_queries": len(kinds),
            "probe_alone": {**alone, "failed": idle_failed},
            "probe_beside_queries": {**beside, "failed": loaded_failed},
            "ratio_p50": round(beside["p50_ms"] / alone["p50_ms"], 2),
            "ratio_p95": round(beside["p95_ms"] / alone["p95_ms"], 2),
            "rate_alone_seconds": round(statistics.median(alone_rate), 2),
            "queries": {kind: {"statuses": {str(s): sum(1 for a, _ in runs if a == s) for s in {a for a, _ in runs}},
                               "seconds_max": round(max(t for _, t in runs), 2)} for kind, runs in answers.items()},
            "server_up_after": request("GET", api + "/ready", timeout=10)[0] == 200,
            "vm_hwm_mb": peak,
        }, indent=1))
    finally:
        server.kill()
        server.wait()
        subprocess.run(["rm", "-rf", directory])


if __name__ == "__main__":
    main()
