"""chDB side of the span query benchmark: the spans of `lumen-bench span-queries --export` loaded as
`chdb_spans.load` does (as Scripts/bench/spans.sh), the searches and the service graph in SQL. Every answer is
compared with Lumen's (the JSON is the second argument); a difference stops the run. Prints the table.

A search answers the newest 100 traces by their newest matching span, each with its span count (Tempo's search
shape, as Lumen answers); the structural search has no SQL here. The service graph's edges are a self-join of
child to parent span across services; a service's figures come from its server and root spans; quantiles are
interpolated between closest ranks, as Lumen's."""

import json
import sys

from chdb_spans import load
from chdb_timing import HEADER, check, row, timed

SEARCHES = {
    "slow_checkout": ("service = 'checkout' AND duration_ns > 100000000", "1"),
    "errors": ("status = 2", "1"),
    "aggregate": ("service = 'cart'", "count() > 3"),
}

EDGES = """SELECT concat(parent.service, '>', child.service), count(), countIf(child.status = 2),
    quantilesExactInclusive(0.5, 0.95, 0.99)(child.duration_ns)
FROM bench.spans AS child INNER JOIN bench.spans AS parent
    ON child.trace_id = parent.trace_id AND child.parent_span_id = parent.span_id
WHERE child.service != parent.service AND child.{window} AND parent.{window}
GROUP BY parent.service, child.service"""

SERVICES = """SELECT service, count(), countIf(status = 2), quantilesExactInclusive(0.5, 0.95, 0.99)(duration_ns)
FROM bench.spans WHERE (kind = 2 OR parent_span_id = '') AND {window} GROUP BY service"""


def search(where, having, window):
    return f"""WITH hits AS (
        SELECT trace_id, max(start_ns) AS newest FROM bench.spans WHERE {where} AND {window}
        GROUP BY trace_id HAVING {having} ORDER BY newest DESC, trace_id DESC LIMIT 100)
    SELECT trace_id, count(), any(newest) AS newest FROM bench.spans INNER JOIN hits USING (trace_id)
    GROUP BY trace_id ORDER BY newest DESC, trace_id DESC"""


def figures(rows):
    return {name: {"calls": int(calls), "errors": int(errors), "p50_ns": quantiles[0], "p95_ns": quantiles[1],
                   "p99_ns": quantiles[2]} for name, calls, errors, quantiles in rows}


def main(path, lumen_path):
    with open(lumen_path) as file:
        lumen = json.load(file)
    session, rows, size = load(path)
    assert rows == lumen["spans"], f"chDB holds {rows} spans, Lumen {lumen['spans']}"
    print(f"{rows:,} spans, {lumen['traces']:,} traces in {lumen['blocks']} blocks; stored: Lumen "
          f"{lumen['lumen_bytes']:,} B, chDB {size:,} B ({lumen['lumen_bytes'] / size:.2f}x)")
    print(HEADER)
    window = f"start_ns BETWEEN {lumen['from_ns']} AND {lumen['to_ns']}"
    for query in lumen["queries"]:
        name = query["name"]
        if name == "service_graph":
            (edges, services), best, median = timed(
                session, EDGES.format(window=window), SERVICES.format(window=window))
            check(name, query["answer"], {"edges": figures(edges), "services": figures(services)})
        elif name in SEARCHES:
            [traces], best, median = timed(session, search(*SEARCHES[name], window))
            check(name, query["answer"], [{"trace_id": trace, "spans": int(count)} for trace, count, _ in traces])
        else:
            print(f"{name:<20} {query['best_seconds']:>10.4f} {query['median_seconds']:>8.4f}")
            continue
        print(row(name, query, best, median))
    for query in lumen["queries"]:
        print(f"  {query['name']}: {query['query']}  ({len(query['answer'])} traces)" if isinstance(query["answer"], list)
              else f"  {query['name']}: {query['query']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
