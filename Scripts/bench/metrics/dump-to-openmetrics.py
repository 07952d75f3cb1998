#!/usr/bin/env python3
"""Turns `promtool tsdb dump` output into the two inputs of Scripts/bench/metrics-size.sh.

Usage: dump-to-openmetrics.py DUMP SAMPLES OPENMETRICS

DUMP lines are `{__name__="m", a="b"} value timestamp_ms`, grouped by series in time order.
SAMPLES keeps that form (what `lumen-bench metric-block` reads); OPENMETRICS is the same samples as
`m{a="b"} value timestamp_seconds` lines ending in `# EOF` (what `promtool tsdb create-blocks-from
openmetrics` reads). When the samples straddle a 2h boundary, every timestamp moves back by whole seconds so
that the earliest lands in the first second of its 2h period: one Prometheus block then holds them all.
Prints `series N`, `samples N`, `shift_ms N`, `min_ms N`, `max_ms N`.
"""
import re
import sys

LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')

TWO_HOURS_MS = 2 * 3600 * 1000


def parse(line):
    labels, value, ts = line.rstrip("\n").rsplit(" ", 2)
    return labels, value, int(ts)


def openmetrics_series(labels):
    """`{__name__="m", a="b", c="d"}` → `m{a="b",c="d"}` (OpenMetrics wants no space after commas)."""
    pairs = LABEL.findall(labels)
    names = [value for key, value in pairs if key == "__name__"]
    if not names:
        raise SystemExit(f"series without a metric name: {labels}")
    rest = ",".join(f'{key}="{value}"' for key, value in pairs if key != "__name__")
    return names[0] + ("{" + rest + "}" if rest else "")


def main():
    dump, samples_path, om_path = sys.argv[1:4]
    lo, hi = None, None
    with open(dump) as f:
        for line in f:
            _, _, ts = parse(line)
            lo = ts if lo is None or ts < lo else lo
            hi = ts if hi is None or ts > hi else hi
    if lo is None:
        raise SystemExit("the dump holds no samples")
    shift = 0
    if lo // TWO_HOURS_MS != hi // TWO_HOURS_MS:
        shift = -((lo % TWO_HOURS_MS) // 1000 * 1000)
    series, samples, previous = 0, 0, None
    with open(dump) as f, open(samples_path, "w") as plain, open(om_path, "w") as om:
        for line in f:
            labels, value, ts = parse(line)
            ts += shift
            if labels != previous:
                series += 1
                previous = labels
                om_labels = openmetrics_series(labels)
            samples += 1
            plain.write(f"{labels} {value} {ts}\n")
            om.write(f"{om_labels} {value} {ts // 1000}.{ts % 1000:03d}\n")
        om.write("# EOF\n")
    print(f"series {series}\nsamples {samples}\nshift_ms {shift}\nmin_ms {lo + shift}\nmax_ms {hi + shift}")


if __name__ == "__main__":
    main()
