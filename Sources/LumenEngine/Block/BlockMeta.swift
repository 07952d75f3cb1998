/// `meta.json` of a block (`docs/format/blocks.md`): what the store needs to plan reads, compaction, retention
/// and its start-up without opening any part. Times are nanoseconds since the epoch, inclusive.
public struct BlockMeta: Codable, Hashable, Sendable {
    /// The layout of a block directory this code writes and the only one it reads.
    public static let currentVersion = 1

    public var id: String
    public var version: Int
    public var tenant: String
    public var minTime: Int64
    public var maxTime: Int64
    /// 1 for a block cut from the head; one more than its highest source for a compacted one.
    public var level: Int
    /// The blocks this one replaces (compaction). At start-up a block listed here by another is a leftover of a
    /// compaction that crashed before deleting it, and is deleted then.
    public var sources: [String]
    /// Every write-ahead-log record in segments below this index is in blocks: replay skips those segments.
    public var walSegmentsBefore: Int
    public var metrics: MetricPartMeta.Stats?
    public var logs: LogPartWriter.Statistics?
    public var spans: SpanPartWriter.Statistics?
    /// Absent in blocks written before exemplars were stored, and in blocks without any.
    public var exemplars: ExemplarPart.Statistics?
}
