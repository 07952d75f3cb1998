"""chDB side of the log benchmark: the lines in a MergeTree table with CODEC(ZSTD(3)), its compressed bytes, and
the best and median time of counting lines LIKE '%word%' (warm)."""

import json
import sys
import time

import chdb.session


def main(path, word, passes=5):
    session = chdb.session.Session()
    session.query("CREATE DATABASE IF NOT EXISTS bench")
    session.query("DROP TABLE IF EXISTS bench.logs")
    session.query("CREATE TABLE bench.logs (n UInt64 CODEC(Delta, ZSTD(3)), line String CODEC(ZSTD(3))) "
                  "ENGINE = MergeTree ORDER BY n")
    session.query(f"INSERT INTO bench.logs SELECT rowNumberInAllBlocks(), line FROM file('{path}', "
                  "'LineAsString', 'line String')")
    session.query("OPTIMIZE TABLE bench.logs FINAL")
    size = int(session.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' "
                             "AND table = 'logs' AND active", "CSV").bytes().decode().strip())
    times = []
    count = 0
    escaped = word.replace("'", "\\'")
    for _ in range(passes):
        started = time.perf_counter()
        count = int(session.query(f"SELECT count() FROM bench.logs WHERE line LIKE '%{escaped}%'", "CSV")
                    .bytes().decode().strip())
        times.append(time.perf_counter() - started)
    times.sort()
    print(json.dumps({"chdb_bytes": size, "count": count, "search_best_seconds": times[0],
                      "search_median_seconds": times[len(times) // 2]}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
