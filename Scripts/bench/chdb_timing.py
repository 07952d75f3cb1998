"""What the query benchmarks share on the chDB side: timing a query warm, comparing its answer with Lumen's,
and the table row that sets the two side by side."""

import json
import math
import time

PASSES = 5

HEADER = (f"{'query':<20} {'lumen best':>10} {'median':>8} {'chdb best':>10} {'median':>8} "
          f"{'ratio best':>10} {'median':>8}")


def timed(session, *statements):
    """The last statement's JSONCompact rows, and the best and median seconds of running them all, over PASSES
    runs after one to warm up."""
    times = []
    for run in range(PASSES + 1):
        started = time.perf_counter()
        results = [session.query(sql, "JSONCompact").bytes() for sql in statements]
        if run > 0:
            times.append(time.perf_counter() - started)
    times.sort()
    return [json.loads(result)["data"] for result in results], times[0], times[len(times) // 2]


def same(lumen, chdb):
    """Equal dictionaries and lists, numbers equal to nine digits."""
    if isinstance(lumen, dict) and isinstance(chdb, dict):
        return lumen.keys() == chdb.keys() and all(same(lumen[key], chdb[key]) for key in lumen)
    if isinstance(lumen, list) and isinstance(chdb, list):
        return len(lumen) == len(chdb) and all(same(a, b) for a, b in zip(lumen, chdb))
    if isinstance(lumen, str) or isinstance(chdb, str):
        return lumen == chdb
    return math.isclose(lumen, chdb, rel_tol=1e-9)


def check(name, lumen, chdb):
    """Stops the run, showing both, when the answers differ."""
    if not same(lumen, chdb):
        raise SystemExit(f"{name}: the answers differ\n  lumen: {json.dumps(lumen, sort_keys=True)[:3000]}\n"
                         f"  chdb:  {json.dumps(chdb, sort_keys=True)[:3000]}")


def row(name, lumen, best, median):
    """Lumen's times (from its JSON), chDB's, and Lumen/chDB."""
    return (f"{name:<20} {lumen['best_seconds']:>10.4f} {lumen['median_seconds']:>8.4f} {best:>10.4f} "
            f"{median:>8.4f} {lumen['best_seconds'] / best:>10.2f} {lumen['median_seconds'] / median:>8.2f}")
