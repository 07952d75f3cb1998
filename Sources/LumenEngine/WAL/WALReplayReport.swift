/// What `WriteAheadLog.replay` read and what it had to cut away.
public struct WALReplayReport: Hashable, Sendable {
    /// One repair: a segment cut short at `offset` (0 and `removed` when the whole file went).
    public struct Truncation: Hashable, Sendable {
        public var segment: String
        public var offset: Int
        public var reason: String
        /// The file was deleted rather than shortened: a bad header, or a segment after a corrupt one.
        public var removed: Bool
    }

    /// Intact records handed to the replay body, in order.
    public var records = 0
    /// Their payload bytes.
    public var bytes = 0
    /// Segment files read (whole or up to a truncation).
    public var segments = 0
    public var truncations: [Truncation] = []

    public var isClean: Bool { truncations.isEmpty }
}

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
