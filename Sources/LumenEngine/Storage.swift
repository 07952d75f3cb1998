import Logging
import Synchronization
import LumenModel

/// Lumen's single-node store: the write-ahead log for durability in front of the head for queries.
///
/// Contract: `append` returns only once the batch is fsynced in the log *and* visible to queries, so an
/// acknowledged write survives `kill -9` and is readable at once. Opening replays the log into the head.
public final class Storage: TelemetryReader {
    public let head: Head
    public let directory: String
    private let wal: WriteAheadLog
    private let logger: Logger

    /// Opens (or creates) the store under `directory`, replaying its log. A torn or corrupt log tail is truncated
    /// with a warning, never fatal.
    public init(
        directory: String, logger: Logger,
        onCommit: @escaping @Sendable (_ records: Int, _ duration: Duration) -> Void = { _, _ in }
    ) throws {
        self.directory = directory
        self.logger = logger
        head = Head()
        wal = try WriteAheadLog(directory: directory + "/wal", logger: logger, onCommit: onCommit)
        let head = self.head
        var skipped = 0
        let report = try wal.replay { payload in
            do {
                head.append(try BatchRecord.decode(payload))
            } catch {
                // A record that passed its CRC but does not decode was written by a different format version.
                skipped += 1
                logger.error("skipping an undecodable log record: \(error)")
            }
        }
        let stats = head.statistics
        logger.info(
            "replayed the write-ahead log",
            metadata: [
                "records": "\(report.records)", "skipped": "\(skipped)", "spans": "\(stats.spans)",
                "logs": "\(stats.logs)", "samples": "\(stats.samples)",
            ])
    }

    /// Makes the batch durable, then visible. Throws if the log cannot be written; nothing is acknowledged then.
    ///
    /// Batches reach the head in the order the log holds them (applied by the log's writer thread right after
    /// their fsync), so where two batches disagree — the same sample with two values — the one kept now is the
    /// one a replay keeps after a crash.
    @discardableResult
    public func append(_ batch: Batch) async throws -> AppendReport {
        guard !batch.isEmpty else { return AppendReport() }
        let report = Mutex(AppendReport())
        let head = self.head
        try await wal.append(BatchRecord.encode(batch)) {
            let applied = head.append(batch)
            report.withLock { $0 = applied }
        }
        return report.withLock { $0 }
    }

    /// Makes everything acknowledged durable in its final form. With only a head and its log, everything
    /// acknowledged is already fsynced; the block engine will cut the head into blocks here.
    public func flush() async throws {}

    public var walStats: WALStats { wal.stats }

    /// Waits for pending appends and syncs the log.
    public func close() throws {
        try wal.close()
    }
}

// MARK: Reads: the head's, until blocks are wired in.
extension Storage {
    public func series(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        head.series(tenant, matching: matchers, from: from, to: to)
    }
    public func metricLabelNames(_ tenant: Tenant) -> [String] { head.metricLabelNames(tenant) }
    public func metricLabelValues(_ tenant: Tenant, name: String) -> [String] {
        head.metricLabelValues(tenant, name: name)
    }
    public func logs(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int,
        filter: (LogRecord) -> Bool
    ) -> [LogRecord] {
        head.logs(tenant, matching: matchers, from: from, to: to, limit: limit, filter: filter)
    }
    public func logLabelNames(_ tenant: Tenant) -> [String] { head.logLabelNames(tenant) }
    public func logLabelValues(_ tenant: Tenant, name: String) -> [String] { head.logLabelValues(tenant, name: name) }
    public func trace(_ tenant: Tenant, id: TraceID) -> (spans: [Span], logs: [LogRecord]) { head.trace(tenant, id: id) }
    public func spans(_ tenant: Tenant, from: Int64, to: Int64, limit: Int, filter: (Span) -> Bool) -> [Span] {
        head.spans(tenant, from: from, to: to, limit: limit, filter: filter)
    }
}
