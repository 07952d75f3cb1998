#!/usr/bin/env python3
"""Overload soak (issue 22, item 6): one release `lumen serve` with a memory ceiling, its OTLP capacity measured
first (`lumen load --rate 0`), then FACTOR × that capacity offered for MINUTES — FACTOR `lumen load` processes each
offering the whole capacity (open loop: refused requests are retried after Retry-After) — while remote-write
senders and PromQL/LogQL readers run beside them. Every second it records the server's memory (RSS, anonymous
and file-backed, and the peak VmHWM). After the load: how long until a probe write is acknowledged as fast as when
idle (recovery), then `kill -9`, a restart on the same directory, and every acknowledged span, log record and
sample counted back (`/lumen/v1/status`).

Prints a JSON summary: capacity, offered and acknowledged rates, refusals by status, RSS curve and peak against the
ceiling, query statuses and latencies, recovery seconds, acknowledged vs stored after the restart.

    Scripts/bench/overload.py --lumen .build/release/lumen [--minutes 10] [--factor 3] [--ceiling-mb 1024]
        [--trace FILE] [--log-level info]

--trace writes a JSON line per memory reading (every second) and per query (when it began and ended, on the same
clock), to tell what a peak coincided with; --log-level info leaves the server's cuts and merges, timed, in its
`server.log` (in the directory the summary names).
"""

import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "promql"))
from load import snappy_literals, varint  # noqa: E402  (the remote-write encoding the PromQL bench sends)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def remote_write_body(sender, series, millis):
    """A WriteRequest: `series` series of the sender, one sample each at `millis`."""
    body = b""
    for s in range(series):
        labels = (("__name__", "overload_samples"), ("sender", str(sender)), ("series", str(s)))
        encoded = b"".join(field(1, field(1, k.encode()) + field(2, v.encode())) for k, v in labels)
        encoded += field(2, b"\x09" + struct.pack("<d", float(s)) + b"\x10" + varint(millis))
        body += field(1, encoded)
    return snappy_literals(body)


def request(method, url, body=None, headers=None, timeout=30):
    """(status, seconds, body); a connection failure is status 0."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers=headers or {}),
                                    timeout=timeout) as answer:
            return answer.status, time.monotonic() - began, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - began, error.read()
    except (urllib.error.URLError, OSError):
        return 0, time.monotonic() - began, b""


class Server:
    def __init__(self, lumen, directory, ports, ceiling, log_level):
        self.lumen, self.directory, self.ports, self.log_level = lumen, directory, ports, log_level
        self.config = os.path.join(directory, "lumen.yaml")
        with open(self.config, "w") as file:
            file.write(f"overload:\n  memory_ceiling_bytes: {ceiling}\n")
        self.api = f"http://127.0.0.1:{ports[0]}"
        self.otlp = f"http://127.0.0.1:{ports[1]}"

    def start(self):
        self.process = subprocess.Popen(
            [self.lumen, "serve", "--config", self.config, "--data-dir", os.path.join(self.directory, "data"),
             "--api", f"127.0.0.1:{self.ports[0]}", "--otlp-http", f"127.0.0.1:{self.ports[1]}",
             "--otlp-grpc", "off", "--statsd", "off", "--syslog", "off", "--log-level", self.log_level],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.directory, "server.log"), "a"))
        deadline = time.monotonic() + 120
        while request("GET", self.api + "/ready", timeout=2)[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not become ready")
            time.sleep(0.2)
        return self

    def memory_mb(self):
        """VmRSS, RssAnon, RssFile and VmHWM (the peak so far) of the server, in MiB."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name = line.split(":")[0]
                if name in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    fields[name] = int(line.split()[1]) // 1024
        return fields

    def stored(self):
        status = json.loads(request("GET", self.api + "/lumen/v1/status")[2])
        return {kind: status["head"][kind] + status["blocks"][kind] for kind in ("spans", "logs", "samples")}


def load(lumen, endpoint, rate, seconds, concurrency, seed=42):
    """`lumen load`; each process its own seed, or the same traces would be refused as duplicates."""
    return subprocess.Popen(
        [lumen, "load", "--endpoint", endpoint, "--rate", str(rate), "--duration", f"{seconds}s", "--seed", str(seed),
         "--concurrency", str(concurrency), "--batch-size", "20", "--quiet", "--output", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lumen", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--factor", type=int, default=3)
    parser.add_argument("--ceiling-mb", type=int, default=1024)
    parser.add_argument("--port", type=int, default=21680)
    parser.add_argument("--trace")
    parser.add_argument("--log-level", default="warning")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="lumen-overload-")
    server = Server(options.lumen, directory, (options.port, options.port + 1), options.ceiling_mb << 20,
                    options.log_level).start()
    summary = {"directory": directory, "ceiling_mb": options.ceiling_mb,
               "baseline_rss_mb": server.memory_mb()["VmRSS"]}
    trace = open(options.trace, "w", buffering=1) if options.trace else None

    def traced(**event):
        if trace:
            trace.write(json.dumps({"wall": round(time.time(), 3), **event}) + "\n")

    # Capacity: as fast as the server acknowledges, one client with enough requests in flight.
    capacity = json.loads(load(options.lumen, server.otlp, 0, 30, 16).communicate()[0])
    shop_rate = capacity["requests"] / capacity["elapsed_seconds"]
    summary["capacity"] = {"shop_requests_per_s": round(shop_rate),
                           "spans_per_s": round(capacity["spans_acknowledged"] / capacity["elapsed_seconds"])}

    seconds = int(options.minutes * 60)
    stop = threading.Event()
    statuses = {"remote_write": {}, "queries": {}}
    samples_acknowledged = [0]
    query_seconds = []
    rss = []

    def remote_writer(sender):
        millis = 0
        while not stop.is_set():
            millis = max(int(time.time() * 1000), millis + 1)
            status, _, _ = request("POST", server.otlp + "/api/v1/write", remote_write_body(sender, 500, millis), {
                "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                "X-Prometheus-Remote-Write-Version": "0.1.0"})
            statuses["remote_write"][status] = statuses["remote_write"].get(status, 0) + 1
            if status in (200, 204):
                samples_acknowledged[0] += 500
            elif status in (429, 503):
                time.sleep(1)

    def reader():
        queries = [("/api/v1/query_range", {"query": "sum by (service) (rate(traces_spanmetrics_calls_total[1m]))",
                                            "step": "15"}),
                   ("/loki/api/v1/query_range", {"query": 'sum by (service) (count_over_time({service=~".+"}[1m]))',
                                                 "step": "15"})]
        turn = 0
        while not stop.is_set():
            path, parameters = queries[turn % len(queries)]
            turn += 1
            now = time.time()
            query = urllib.parse.urlencode({**parameters, "start": now - 600, "end": now})
            status, took, _ = request("GET", f"{server.api}{path}?{query}", timeout=120)
            traced(query=path, began=round(now, 3), seconds=round(took, 3), status=status)
            statuses["queries"][status] = statuses["queries"].get(status, 0) + 1
            query_seconds.append(took)

    loads = [load(options.lumen, server.otlp, round(shop_rate), seconds, 64, seed=100 + i)
             for i in range(options.factor)]
    threads = [threading.Thread(target=remote_writer, args=(i,)) for i in range(2)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    memory = []  # every second: the RSS curve keeps every fifth
    while any(process.poll() is None for process in loads):
        memory.append(server.memory_mb())
        traced(**memory[-1])
        if len(memory) % 5 == 1:
            rss.append((round(time.monotonic() - began), memory[-1]["VmRSS"]))
        time.sleep(1)
    peak = server.memory_mb()["VmHWM"]  # before the restarts below, which reset it
    stop.set()
    for thread in threads:
        thread.join()
    results = [json.loads(process.communicate()[0]) for process in loads]
    ended = time.monotonic()

    # Recovery: a probe write acknowledged within 2× its idle latency (measured on the capacity run's p50).
    idle = capacity["latency_p50_nanos"] / 1e9
    probe = json.dumps({"resourceSpans": []}).encode()
    while True:
        status, took, _ = request("POST", server.otlp + "/v1/traces", probe, {"Content-Type": "application/json"})
        if status == 200 and took <= max(2 * idle, 0.05) and request("GET", server.api + "/ready")[0] == 200:
            break
        time.sleep(0.2)
    recovered = time.monotonic() - ended

    acknowledged = {"spans": capacity["spans_acknowledged"] + sum(r["spans_acknowledged"] for r in results),
                    "logs": capacity["logs_acknowledged"] + sum(r["logs_acknowledged"] for r in results),
                    "samples": samples_acknowledged[0]}
    accepted = {}
    for line in request("GET", server.api + "/metrics")[2].decode().splitlines():
        if line.startswith(("lumen_ingest_rejected_total", "lumen_ingest_accepted_total")):
            name, value = line.rsplit(" ", 1)
            accepted[name] = float(value)
    summary["server_counters"] = accepted
    summary["stored_before_kill_9"] = server.stored()
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.start()
    stored = server.stored()
    server.process.terminate()
    server.process.wait()
    query_seconds.sort()
    summary.update({
        "offered_shop_requests_per_s": round(shop_rate) * options.factor,
        "acknowledged_spans_per_s": round(sum(r["spans_acknowledged"] for r in results) / seconds),
        "otlp_requests_acknowledged": sum(r["requests"] for r in results),
        # Given up on: still refused after the client's last retry, or in flight when its time ran out.
        "otlp_requests_given_up": sum(r["failures"] for r in results),
        "remote_write_statuses": statuses["remote_write"],
        "query_statuses": statuses["queries"],
        "query_seconds_p50_p95": [round(query_seconds[len(query_seconds) // 2], 3),
                                  round(query_seconds[int(len(query_seconds) * 0.95)], 3)] if query_seconds else [],
        "rss_mb_every_5s": rss,
        "rss_peak_mb": max(value for _, value in rss),
        # The true peak (VmHWM, the capacity run's included), and the most of each kind sampled every second.
        "vm_hwm_mb": peak,
        "rss_anon_max_mb": max(sample["RssAnon"] for sample in memory),
        "rss_file_max_mb": max(sample["RssFile"] for sample in memory),
        "recovery_seconds": round(recovered, 1),
        "acknowledged": acknowledged,
        # The status counts the samples of Lumen's own metrics and span metrics too: at least the acknowledged.
        "stored_after_kill_9": stored,
        "lost": {kind: max(acknowledged[kind] - stored[kind], 0) for kind in acknowledged},
    })
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
