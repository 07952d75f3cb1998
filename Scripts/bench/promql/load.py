#!/usr/bin/env python3
"""A seeded, realistic metric dataset sent by Prometheus remote write, in time order, to every URL given.

A small shop of services scraped every 15 s for HOURS hours, ending a minute ago:
  http_requests_total{service, instance, route, code}           counters, three codes per route
  http_request_duration_seconds_{bucket,sum,count}{..., route}   histograms with 11 buckets (le)
  process_cpu_seconds_total, process_resident_memory_bytes, queue_depth{queue}   per instance
Real-world shapes are in it: each target scrapes at its own millisecond offset with a few ms of jitter, one
instance restarts (its counters reset), one instance disappears (a stale marker, then nothing).

The bodies are built once and sent unchanged to each receiver, so both hold exactly the same samples.
Both refuse samples older than their newest minus one hour, so every request covers a few steps of every
series and requests go in time order. Snappy is written as literals only: valid snappy, no dependency.

Usage: load.py --hours 6 URL [URL...]; prints the dataset's shape and the time range it covers.
"""
import argparse
import math
import random
import struct
import sys
import time
import urllib.request

SERVICES = ["frontend", "checkout", "cart", "payment", "catalog", "shipping"]
INSTANCES = 4
ROUTES = ["/", "/api/items", "/api/items/{id}", "/api/cart", "/api/orders", "/api/orders/{id}", "/health", "/login"]
CODES = ["200", "404", "500"]
BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, math.inf]
QUEUES = ["email", "billing"]
INTERVAL_MS = 15_000
STEPS_PER_REQUEST = 8
STALE_NAN = struct.pack("<Q", 0x7FF0000000000002)


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(tag, payload):
    return bytes([tag]) + varint(len(payload)) + payload


def snappy_literals(data):
    """A snappy block of literal elements only (at most 64 KiB each)."""
    out = bytearray(varint(len(data)))
    for at in range(0, len(data), 65536):
        chunk = data[at:at + 65536]
        n = len(chunk) - 1
        out += bytes([n << 2]) if n < 60 else bytes([61 << 2]) + n.to_bytes(2, "little")
        out += chunk
    return bytes(out)


def fmt_le(bound):
    return "+Inf" if bound == math.inf else f"{bound:g}"


class Target:
    """One scraped instance: its series and the state that drives their values."""

    def __init__(self, rng, service, index):
        self.rng = rng
        self.instance = f"{service}-{index}:8080"
        # Never a whole second, so no sample sits exactly on a query step's window edge (Prometheus 2 closes
        # its windows on the left, Prometheus 3 and Lumen open them: only such edge samples could differ).
        self.offset_ms = rng.randrange(15) * 1000 + rng.randrange(20, 980)
        base = {"job": "shop", "service": service, "instance": self.instance}
        self.series = {}  # key -> (encoded labels, current value)
        self.routes = []
        for route in ROUTES:
            rate = rng.uniform(0.5, 60) if route != "/health" else 0.2
            median = rng.uniform(0.01, 0.4)
            self.routes.append((route, rate, median))
            for code in CODES:
                self.add(("req", route, code), "http_requests_total", base, route=route, code=code)
            for bound in BUCKETS:
                self.add(("bucket", route, bound), "http_request_duration_seconds_bucket", base, route=route,
                         le=fmt_le(bound))
            self.add(("sum", route), "http_request_duration_seconds_sum", base, route=route)
            self.add(("count", route), "http_request_duration_seconds_count", base, route=route)
        self.add(("cpu",), "process_cpu_seconds_total", base)
        self.add(("rss",), "process_resident_memory_bytes", base)
        self.series[("rss",)][1] = rng.uniform(1e8, 8e8)
        for queue in QUEUES:
            self.add(("queue", queue), "queue_depth", base, queue=queue)

    def add(self, key, name, base, **extra):
        labels = dict(base, __name__=name, **extra)
        encoded = b"".join(field(0x0A, field(0x0A, k.encode()) + field(0x12, v.encode()))
                           for k, v in sorted(labels.items()))
        self.series[key] = [encoded, 0.0]

    def restart(self):
        for key, entry in self.series.items():
            if key[0] != "rss" and key[0] != "queue":
                entry[1] = 0.0

    def scrape(self, step, steps):
        """Advances every series by one scrape interval; returns {key: value}."""
        rng, s = self.rng, self.series
        load = 1 + 0.5 * math.sin(2 * math.pi * step / (steps / 1.5)) + rng.uniform(-0.1, 0.1)
        errors = 0.01 + 0.04 * max(0.0, math.sin(2 * math.pi * step / (steps / 3)))
        for route, rate, median in self.routes:
            total = max(0, round(rate * 15 * load + rng.gauss(0, math.sqrt(rate * 15))))
            failed = round(total * errors * rng.uniform(0.5, 1.5))
            missing = round(total * 0.02 * rng.uniform(0.5, 1.5))
            s[("req", route, "500")][1] += failed
            s[("req", route, "404")][1] += missing
            s[("req", route, "200")][1] += max(0, total - failed - missing)
            mu = math.log(median * load)
            for bound in BUCKETS:
                share = 1.0 if bound == math.inf else 0.5 * (1 + math.erf((math.log(bound) - mu) / (0.8 * math.sqrt(2))))
                s[("bucket", route, bound)][1] += round(total * share)
            s[("count", route)][1] += total
            s[("sum", route)][1] += total * math.exp(mu + 0.32)
        s[("cpu",)][1] += 15 * rng.uniform(0.05, 0.6) * load
        s[("rss",)][1] = max(5e7, s[("rss",)][1] + rng.gauss(0, 2e6))
        for queue in QUEUES:
            s[("queue", queue)][1] = max(0, s[("queue", queue)][1] + rng.randrange(-5, 6))
        return {key: entry[1] for key, entry in s.items()}


def build(hours, seed):
    rng = random.Random(seed)
    targets = [Target(rng, service, index) for service in SERVICES for index in range(INSTANCES)]
    steps = hours * 3600 * 1000 // INTERVAL_MS + 1
    end_ms = (int(time.time()) - 60) // 60 * 60 * 1000
    start_ms = end_ms - (steps - 1) * INTERVAL_MS - INTERVAL_MS
    restarting, leaving = targets[5], targets[9]
    restart_step, leave_step = steps * 2 // 5, steps * 17 // 20
    bodies, samples = [], 0
    for first in range(0, steps, STEPS_PER_REQUEST):
        points = {}  # (target, key) -> [sample bytes]
        for step in range(first, min(first + STEPS_PER_REQUEST, steps)):
            for target in targets:
                stamp = start_ms + step * INTERVAL_MS + target.offset_ms + rng.randrange(-3, 4)
                if target is leaving and step >= leave_step:
                    if step == leave_step:  # what Prometheus sends once a target is gone
                        for key in target.series:
                            points.setdefault((target, key), []).append(b"\x09" + STALE_NAN + b"\x10" + varint(stamp))
                    continue
                if target is restarting and step == restart_step:
                    target.restart()
                for key, value in target.scrape(step, steps).items():
                    sample = b"\x09" + struct.pack("<d", value) + b"\x10" + varint(stamp)
                    points.setdefault((target, key), []).append(sample)
        request = bytearray()
        for (target, key), encoded in points.items():
            series = target.series[key][0] + b"".join(field(0x12, sample) for sample in encoded)
            request += field(0x0A, series)
            samples += len(encoded)
        bodies.append(snappy_literals(bytes(request)))
    series = sum(len(target.series) for target in targets)
    return bodies, series, samples, start_ms, end_ms


def send(url, bodies):
    for number, body in enumerate(bodies):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
            "X-Prometheus-Remote-Write-Version": "0.1.0"})
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except urllib.error.HTTPError as error:
            sys.exit(f"{url}: request {number} refused: {error.code} {error.read()[:500]!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=6)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    began = time.time()
    bodies, series, samples, start_ms, end_ms = build(args.hours, args.seed)
    print(f"dataset: {series} series, {samples} samples, {args.hours} h at 15 s, "
          f"{len(bodies)} requests ({time.time() - began:.0f} s to build)", flush=True)
    for url in args.urls:
        began = time.time()
        send(url, bodies)
        print(f"sent to {url} in {time.time() - began:.1f} s", flush=True)
    print(f"range {start_ms // 1000} {end_ms // 1000}")


if __name__ == "__main__":
    main()
