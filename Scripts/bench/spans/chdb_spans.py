"""The spans `lumen-bench span-block --export` (or `span-queries --export`) writes as TSV, loaded into a chDB
MergeTree table `bench.spans` with CODEC(ZSTD(3)) on every column, ordered by (trace_id, start_ns)."""

import chdb.session

COLUMNS = ("trace_id String, span_id String, parent_span_id String, service String, name String, kind UInt8, "
           "status UInt8, start_ns Int64, duration_ns Int64, attributes String")


def load(path):
    """A session holding the spans of `path`, and the table's rows and bytes on disk."""
    session = chdb.session.Session()
    session.query("CREATE DATABASE IF NOT EXISTS bench")
    session.query("DROP TABLE IF EXISTS bench.spans")
    coded = ", ".join(f"{column} CODEC(ZSTD(3))" for column in COLUMNS.split(", "))
    session.query(f"CREATE TABLE bench.spans ({coded}) ENGINE = MergeTree ORDER BY (trace_id, start_ns)")
    session.query(f"INSERT INTO bench.spans SELECT * FROM file('{path}', 'TSV', '{COLUMNS}')")
    session.query("OPTIMIZE TABLE bench.spans FINAL")
    size = int(session.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' "
                             "AND table = 'spans' AND active", "CSV").bytes())
    rows = int(session.query("SELECT count() FROM bench.spans", "CSV").bytes())
    return session, rows, size
