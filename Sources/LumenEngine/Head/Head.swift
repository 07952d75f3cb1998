import LumenModel

/// The in-memory store of everything acknowledged and not yet cut into blocks, for all tenants and signals.
///
/// Thread-safety: every method may be called from any thread. Appends take the write lock briefly; reads share
/// the read lock, so queries see each batch either whole or not at all. Tenants are kept apart here: every
/// read names its tenant and sees only that tenant's data.
public final class Head: @unchecked Sendable {
    /// One tenant's data. Guarded by `lock`.
    struct Partition {
        var metrics = MetricHead()
        var logs = LogHead()
        var spans = SpanHead()
    }

    private let lock = ReadWriteLock()
    private var partitions: [Tenant: Partition] = [:]  // guarded by `lock`
    private var bytes = 0  // guarded by `lock`
    /// When the first batch arrived (wall clock, nanoseconds); 0 while empty. Guarded by `lock`.
    private var firstAppend: Int64 = 0

    public init() {}

    @discardableResult
    public func append(_ batch: Batch) -> AppendReport {
        var report = AppendReport()
        let recordBytes = HeadMemory.records(of: batch)
        lock.withWriteLock {
            var partition = partitions.removeValue(forKey: batch.tenant) ?? Partition()
            let seriesBefore = partition.metrics.series.count
            partition.metrics.append(batch.series, report: &report)
            for record in batch.logs { partition.logs.append(record, report: &report) }
            for span in batch.spans { partition.spans.append(span, report: &report) }
            let newSeries = partition.metrics.series[seriesBefore...]
            partitions[batch.tenant] = partition
            bytes += recordBytes + HeadMemory.series(newSeries.lazy.map(\.labels), samples: report.samples)
            if firstAppend == 0 { firstAppend = Timestamp.now() }
        }
        return report
    }

    /// Approximate bytes held (see `HeadMemory`), and when the oldest data arrived: what decides a cut.
    public var memory: (bytes: Int, since: Int64) { lock.withReadLock { (bytes, firstAppend) } }

    /// The newest sample time of `tenant`, if it has samples.
    public func newestSample(_ tenant: Tenant) -> Int64? {
        read(tenant) { $0.metrics.newestTimestamp == .min ? nil : $0.metrics.newestTimestamp }
    }

    /// Tenants with data.
    public var tenants: [Tenant] { lock.withReadLock { partitions.keys.sorted() } }

    public var isEmpty: Bool { lock.withReadLock { partitions.isEmpty } }

    /// Everything the head holds for `tenant`, as a block would store it.
    public func contents(of tenant: Tenant) -> BlockContents {
        read(tenant) { partition in
            var contents = BlockContents(tenant: tenant)
            contents.series = partition.metrics.series.map { ($0.labels, $0.samples) }
            contents.logStreams = partition.logs.streams.map { ($0.labels, $0.records) }
            contents.spans = partition.spans.spans
            contents.exemplars = partition.metrics.series.lazy.filter { !$0.exemplars.isEmpty }
                .map { ($0.labels, $0.exemplars) }
            return contents
        }
    }

    /// `body`'s answer from `tenant`'s data, under the read lock: how every read of the head (`HeadSources`)
    /// sees each batch whole or not at all.
    func read<T>(_ tenant: Tenant, _ body: (Partition) -> T) -> T {
        lock.withReadLock { body(partitions[tenant] ?? Partition()) }
    }

    // MARK: Metrics

    /// Active series of the tenant.
    public func seriesCount(_ tenant: Tenant) -> Int {
        read(tenant) { $0.metrics.series.count }
    }

    /// The newest sample time of each series of `labels` (nil for one the head holds no samples of).
    public func newestSamples(_ tenant: Tenant, of labels: [Labels]) -> [Int64?] {
        read(tenant) { partition in labels.map { partition.metrics.newest(of: $0) } }
    }

    /// Log streams in the head.
    public func logStreamCount(_ tenant: Tenant) -> Int {
        read(tenant) { $0.logs.streams.count }
    }

    /// Which of `candidates` are not among the tenant's log streams yet.
    public func newLogStreams(_ tenant: Tenant, among candidates: Set<Labels>) -> Set<Labels> {
        read(tenant) { partition in candidates.filter { !partition.logs.contains($0) } }
    }

    /// Which of `candidates` are not among the tenant's active series yet.
    public func newSeries(_ tenant: Tenant, among candidates: [Labels]) -> Set<Labels> {
        read(tenant) { partition in Set(candidates.filter { !partition.metrics.contains($0) }) }
    }

    // MARK: Statistics

    public struct Statistics: Sendable, Equatable {
        public var tenants = 0
        public var series = 0
        public var samples = 0
        public var logStreams = 0
        public var logs = 0
        public var spans = 0
        public var traces = 0
        /// Approximate bytes held in memory.
        public var bytes = 0
    }

    public var statistics: Statistics {
        lock.withReadLock {
            var stats = Statistics()
            stats.tenants = partitions.count
            stats.bytes = bytes
            for partition in partitions.values {
                stats.series += partition.metrics.series.count
                stats.samples += partition.metrics.sampleCount
                stats.logStreams += partition.logs.streams.count
                stats.logs += partition.logs.recordCount
                stats.spans += partition.spans.spans.count
                stats.traces += partition.spans.traceCount
            }
            return stats
        }
    }
}
