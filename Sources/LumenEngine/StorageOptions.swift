/// How the store cuts, keeps and merges blocks. Durations are nanoseconds.
public struct StorageOptions: Sendable, Equatable {
    /// Blocks older than this (their newest data) are deleted whole.
    public var retention: Int64 = 15 * 24 * 3600 * 1_000_000_000
    /// Samples this far behind their series' newest sample are still accepted and merged; older ones are
    /// refused with a reason, as Prometheus' out-of-order window does. A series the head holds no samples of
    /// trails the tenant's newest sample instead.
    public var outOfOrderWindow: Int64 = 3600 * 1_000_000_000
    /// Samples, log records and spans more than this far ahead of the clock are refused (a clock-skewed host,
    /// a timestamp in the wrong unit), as Mimir's creation grace period does; no window moves past it.
    public var futureWindow: Int64 = 10 * 60 * 1_000_000_000
    /// The head is cut into blocks once its oldest data arrived this long ago…
    public var headMaxAge: Int64 = 2 * 3600 * 1_000_000_000
    /// …or once it holds about this many bytes, whichever comes first.
    public var headMaxBytes = 256 << 20
    /// Compaction merges a tenant's adjacent blocks while the merged block spans at most this long.
    public var compactionSpan: Int64 = 24 * 3600 * 1_000_000_000
    /// …and only once this many blocks could be merged.
    public var compactionMinBlocks = 4

    public init() {}
}
