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
