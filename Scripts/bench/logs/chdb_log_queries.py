"""chDB side of the log query benchmark: the synthetic lines parsed into the columns of ClickHouse's OTel logs
schema (time, level, service, trace_id, message; CODEC(ZSTD(3)); ORDER BY (service, level, time)) and the same
queries in SQL. Every answer is compared with Lumen's (`lumen-bench log-queries`, whose JSON is the second
argument); a difference stops the run. Prints the table.

Range queries are PromQL's: the step at start + k·step reads the window (t − step, t], so a line at t_ms lies in
the step k = ceil((t_ms − start_ms) / step_ms)."""

import json
import sys

from chdb_timing import HEADER, check, row, timed

import chdb.session


def queries(start_ms, step_ms):
    step = f"intDiv(toUnixTimestamp64Milli(time) - {start_ms} + {step_ms - 1}, {step_ms})"
    per_step = "SELECT service, {step} AS step, {value} FROM bench.logs WHERE {where} GROUP BY service, step"
    return {
        "search": "SELECT toUnixTimestamp64Milli(time), level, service, trace_id, message FROM bench.logs "
                  "WHERE service = 'cart' AND position(message, 'timeout') > 0 ORDER BY time DESC LIMIT 100",
        "count_card_expired": "SELECT count() FROM bench.logs WHERE position(message, 'card_expired') > 0",
        "count_rare": "SELECT count() FROM bench.logs WHERE position(message, 'user=4999') > 0",
        "errors_per_minute": per_step.format(step=step, value="count()", where="level = 'ERROR'"),
        "timeout_rate": per_step.format(step=step, value=f"count() / {step_ms / 1000}",
                                        where="position(message, 'timeout') > 0"),
        "bytes_per_minute": per_step.format(step=step, value="sum(length(message))", where="1"),
    }


def answer(name, rows):
    """The answer in the shape `lumen-bench log-queries` prints (chDB quotes 64-bit integers)."""
    if name == "search":
        return {"lines": len(rows), "newest_ms": int(rows[0][0]) if rows else 0}
    if name.startswith("count_"):
        return {"value": float(rows[0][0])}
    series = {}
    for service, step, value in rows:
        series.setdefault(service, {})[str(step)] = float(value)
    return {"series": series}


def load(session, path):
    session.query("CREATE DATABASE IF NOT EXISTS bench")
    session.query("DROP TABLE IF EXISTS bench.logs")
    session.query("CREATE TABLE bench.logs (time DateTime64(3, 'UTC') CODEC(ZSTD(3)), "
                  "level LowCardinality(String) CODEC(ZSTD(3)), service LowCardinality(String) CODEC(ZSTD(3)), "
                  "trace_id String CODEC(ZSTD(3)), message String CODEC(ZSTD(3))) "
                  "ENGINE = MergeTree ORDER BY (service, level, time)")
    session.query(rf"""INSERT INTO bench.logs
        SELECT parseDateTime64BestEffort(f[1], 3, 'UTC'), f[2], f[3], f[4], f[5]
        FROM (SELECT extractGroups(line, '^(\\S+) (\\S+) (\\S+) trace_id=([0-9a-f]{{32}}) (.*)$') AS f
              FROM file('{path}', 'LineAsString', 'line String'))""")
    session.query("OPTIMIZE TABLE bench.logs FINAL")
    rows = int(session.query("SELECT count() FROM bench.logs", "CSV").bytes())
    size = int(session.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' "
                             "AND table = 'logs' AND active", "CSV").bytes())
    return rows, size


def main(path, lumen_path):
    with open(lumen_path) as file:
        lumen = json.load(file)
    session = chdb.session.Session()
    rows, size = load(session, path)
    assert rows == lumen["lines"], f"chDB holds {rows} lines, Lumen {lumen['lines']}"
    minutes = (lumen["end_ms"] - lumen["start_ms"]) // lumen["step_ms"]
    print(f"{rows:,} lines over {minutes} minutes; stored: Lumen {lumen['lumen_bytes']:,} B, chDB {size:,} B "
          f"({lumen['lumen_bytes'] / size:.2f}x)")
    print(HEADER)
    sql = queries(lumen["start_ms"], lumen["step_ms"])
    for query in lumen["queries"]:
        [result], best, median = timed(session, sql[query["name"]])
        check(query["name"], query["answer"], answer(query["name"], result))
        print(row(query["name"], query, best, median))
    for query in lumen["queries"]:
        print(f"  {query['name']}: {query['query']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
