#!/usr/bin/env python3
"""N rules over the shop dataset of Scripts/bench/promql/load.py, in groups of 10, for Lumen and Prometheus alike.

The rules cycle through eight shapes a real rule file has — recording rules for request rates, error ratios and
latency quantiles, alerts on them — each filtered to one service (or to none), so no two rules are equal. The
series each rule reads follow from the dataset's shape (6 services × 4 instances × 8 routes; 3 codes; 11
buckets); the total read per evaluation of all N rules is printed on stderr as `series N`.

Usage: generate.py N INTERVAL > rules.yaml
"""
import sys

SERVICES = ["frontend", "checkout", "cart", "payment", "catalog", "shipping"]
PER_SERVICE = 4 * 8  # instances × routes
SHAPES = [
    # (kind, name, expression with {sel}, series read for one service)
    ("record", "service:http_requests:rate5m", "sum by (service) (rate(http_requests_total{sel}[5m]))", PER_SERVICE * 3),
    ("record", "service:http_errors:ratio5m",
     'sum by (service) (rate(http_requests_total{sel_code}[5m])) / sum by (service) (rate(http_requests_total{sel}[5m]))',
     PER_SERVICE * 4),
    ("record", "service:http_latency:p99",
     "histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{sel}[5m])))",
     PER_SERVICE * 11),
    ("record", "route:http_requests:rate5m", "sum by (service, route) (rate(http_requests_total{sel}[5m]))", PER_SERVICE * 3),
    ("alert", "HighErrorRatio",
     'sum by (service) (rate(http_requests_total{sel_code}[5m])) / sum by (service) (rate(http_requests_total{sel}[5m])) > 0.01',
     PER_SERVICE * 4),
    ("alert", "SlowRequests",
     "histogram_quantile(0.9, sum by (le, service) (rate(http_request_duration_seconds_bucket{sel}[5m]))) > 0.1",
     PER_SERVICE * 11),
    ("alert", "HighCPU", "rate(process_cpu_seconds_total{sel}[5m]) > 0.0001", 4),
    ("alert", "QueueBacklog", "max by (service) (queue_depth{sel}) > 10", 4 * 2),
]


def main():
    count, interval = int(sys.argv[1]), sys.argv[2]
    lines = ["groups:"]
    series = 0
    for index in range(count):
        kind, name, expr, read = SHAPES[index % len(SHAPES)]
        variant = index // len(SHAPES)
        # Variant 0 reads every service; the next ones one service each, then repeat with a route filter.
        service = SERVICES[(variant - 1) % len(SERVICES)] if variant else None
        route = "/api/items" if variant > len(SERVICES) else None
        matchers = ([f'service="{service}"'] if service else []) + ([f'route="{route}"'] if route else [])
        sel = "{" + ", ".join(matchers) + "}"
        sel_code = "{" + ", ".join(matchers + ['code="500"']) + "}"
        expr = expr.replace("{sel_code}", sel_code).replace("{sel}", sel)
        per = read * (len(SERVICES) if not service else 1) // (8 if route else 1)
        series += max(per, 1)
        if index % 10 == 0:
            lines += [f"  - name: bench-{index // 10:03d}", f"    interval: {interval}", "    rules:"]
        if kind == "record":
            lines += [f"      - record: {name}:v{variant}", f"        expr: '{expr}'"]
        else:
            lines += [f"      - alert: {name}V{variant}", f"        expr: '{expr}'", "        for: 1m",
                      "        labels: {severity: page}",
                      "        annotations: {summary: '{{ $labels.service }} at {{ $value | humanize }}'}"]
    print("\n".join(lines))
    print(f"series {series}", file=sys.stderr)


if __name__ == "__main__":
    main()
