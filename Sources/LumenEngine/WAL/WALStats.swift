/// Counters of a `WriteAheadLog` since it was opened, for benchmarks and metrics.
public struct WALStats: Hashable, Sendable {
    /// Records appended and fsynced.
    public var records = 0
    /// Bytes written, headers included.
    public var bytes = 0
    /// `fdatasync`/`fsync` calls on segment files (directory syncs not counted).
    public var fsyncs = 0
    /// Group commits: batches of appends made durable together.
    public var commits = 0
    /// Segment files created.
    public var segments = 0
}
