/// What `WriteAheadLog.replay` read and what it had to cut away.
public struct WALReplayReport: Hashable, Sendable {
    /// One repair: a segment cut short at `offset` (0 and `removed` when the whole file went).
    public struct Truncation: Hashable, Sendable {
        public var segment: String
        public var offset: Int
        public var reason: String
        /// The file was deleted rather than shortened: its header was bad.
        public var removed: Bool
    }

    /// One damaged record passed over between intact ones: `bytes` from `offset`, header included.
    public struct SkippedRecord: Hashable, Sendable {
        public var segment: String
        public var offset: Int
        public var bytes: Int
        public var reason: String
    }

    /// Intact records handed to the replay body, in order.
    public var records = 0
    /// Their payload bytes.
    public var bytes = 0
    /// Segment files read (whole or up to a truncation).
    public var segments = 0
    public var truncations: [Truncation] = []
    public var skipped: [SkippedRecord] = []

    public var isClean: Bool { truncations.isEmpty && skipped.isEmpty }
}
