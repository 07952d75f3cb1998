#!/usr/bin/env python3
"""Runs a fixed set of PromQL range queries against two Prometheus-compatible APIs, checks that the answers
are equal and prints each query's median latency on both.

Equal means: the same series (label sets), the same timestamps, and values within 1e-6 relative (NaN equals
NaN, infinities equal themselves). Steps whose window reaches back to the data's first scrape are compared
apart and reported on their own: there Prometheus 2.42 extrapolates `rate` and `increase` differently from
Prometheus 2.51 and later (prometheus/prometheus#13725, "Constrain extrapolation in rate() to half of sample
interval"), whose behaviour Lumen follows.

Latency is wall time from sending the request to the last byte of the answer, over one kept-alive connection
per server; each query runs once to warm up, then REPEAT times on each server, alternating, so that noise from
the rest of the machine falls on both alike.

Usage: compare.py --start S --end E --reference URL --candidate URL [--repeat N] [--label head]
Exit status 1 when any answer differs.
"""
import argparse
import http.client
import json
import math
import statistics
import time
import urllib.parse

# Each query with how far back its steps look, in seconds (its longest range, or the 5m lookback).
QUERIES = [
    ('rate(http_requests_total[5m])', 300),
    ('sum by (service) (rate(http_requests_total[5m]))', 300),
    ('histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))', 300),
    ('topk(5, sum by (service, route) (rate(http_requests_total[5m])))', 300),
    ('sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))', 300),
    ('rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])', 300),
    ('avg_over_time(process_resident_memory_bytes[10m])', 600),
    ('max by (service) (queue_depth)', 300),
    ('increase(http_requests_total{service="checkout"}[1h])', 3600),
    ('rate(process_cpu_seconds_total[5m]) * 100 > 20', 300),
]
SCRAPE_INTERVAL = 15
TOLERANCE = 1e-6


class Server:
    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)

    def query_range(self, query, start, end, step):
        """The answer's bytes and the seconds it took."""
        path = "/api/v1/query_range?" + urllib.parse.urlencode(
            {"query": query, "start": start, "end": end, "step": step})
        began = time.perf_counter()
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - began
        if response.status != 200:
            raise SystemExit(f"{query}: HTTP {response.status}: {body[:500]!r}")
        return body, elapsed


def series_of(body):
    """{labels: [(timestamp, value)]} of a matrix answer."""
    result = json.loads(body)["data"]["result"]
    return {tuple(sorted(entry["metric"].items())): [(float(t), float(v)) for t, v in entry["values"]]
            for entry in result}


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def difference(reference, candidate, edge):
    """(None when the answers are equal at every step after `edge`, else the first difference found, in words;
    how many points at or before `edge` there are; how many of those differ)."""
    if reference.keys() != candidate.keys():
        only_reference = sorted(reference.keys() - candidate.keys())
        only_candidate = sorted(candidate.keys() - reference.keys())
        return (f"series differ: {len(only_reference)} only in the reference (e.g. {only_reference[:1]}), "
                f"{len(only_candidate)} only in the candidate (e.g. {only_candidate[:1]})"), 0, 0
    edge_points, edge_differences = 0, 0
    for labels, points in reference.items():
        other = candidate[labels]
        if [t for t, _ in points] != [t for t, _ in other]:
            missing = sorted({t for t, _ in points} ^ {t for t, _ in other})
            return f"{dict(labels)}: timestamps differ ({len(points)} against {len(other)}, e.g. {missing[:3]})", 0, 0
        for (t, a), (_, b) in zip(points, other):
            if t <= edge:
                edge_points += 1
                edge_differences += not close(a, b)
            elif not close(a, b):
                return f"{dict(labels)} at {t}: {a!r} against {b!r}", 0, 0
    return None, edge_points, edge_differences


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", type=int, required=True, help="the data's first second")
    parser.add_argument("--end", type=int, required=True, help="the data's last second")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--candidate", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    reference, candidate = Server(args.reference), Server(args.candidate)
    # Whole minutes, so that steps fall on whole seconds, never on a sample (see load.py).
    end = args.end // 60 * 60
    start = (args.start + 59) // 60 * 60
    windows = [("1h", end - 3600, end, 15), (f"{(end - start) // 3600}h", start, end, 60)]

    print(f"{'#':>2} {'window':>6} {'series':>6} {'points':>7} {'prom ms':>9} {'lumen ms':>9} {'ratio':>6}  "
          f"equal (differing/compared apart at the data's start)")
    ratios, totals, failures = [], [0.0, 0.0], 0
    for number, (query, reach) in enumerate(QUERIES, 1):
        for name, first, last, step in windows:
            answers = [reference.query_range(query, first, last, step)[0],
                       candidate.query_range(query, first, last, step)[0]]
            timings = ([], [])
            for _ in range(args.repeat):
                for side, server in enumerate((reference, candidate)):
                    timings[side].append(server.query_range(query, first, last, step)[1])
            expected, got = series_of(answers[0]), series_of(answers[1])
            # A step's window reaches the data's first scrape when it starts less than one interval after it.
            problem, edge_points, edge_differences = difference(
                expected, got, edge=args.start + SCRAPE_INTERVAL + reach)
            failures += problem is not None
            medians = [statistics.median(t) * 1000 for t in timings]
            ratios.append(medians[1] / medians[0])
            totals = [totals[0] + medians[0], totals[1] + medians[1]]
            points = sum(len(p) for p in expected.values())
            print(f"{number:>2} {name:>6} {len(expected):>6} {points:>7} {medians[0]:>9.1f} {medians[1]:>9.1f} "
                  f"{ratios[-1]:>6.2f}  {'yes' if problem is None else 'NO: ' + problem}"
                  f"{f' ({edge_differences}/{edge_points})' if edge_points else ''}", flush=True)
    print(f"{args.label}: median of the ratios {statistics.median(ratios):.2f}, "
          f"sum of the medians {totals[1]:.0f} ms against {totals[0]:.0f} ms ({totals[1] / totals[0]:.2f}), "
          f"{len(ratios) - failures}/{len(ratios)} answers equal")
    for number, (query, _) in enumerate(QUERIES, 1):
        print(f"  {number:>2}: {query}")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
