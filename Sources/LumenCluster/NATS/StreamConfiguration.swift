/// What Lumen asks of a JetStream stream. Limits retention, file storage, `Discard=New` (a full stream refuses
/// new messages, which pushes back to the publishers, instead of silently dropping the oldest unapplied ones).
public struct StreamConfiguration: Equatable, Sendable {
    public var name: String
    public var subjects: [String]
    /// 3 where the cluster has at least 3 servers, else 1 (`JetStream.replicas(forServers:)`).
    public var replicas: Int
    /// Oldest message kept; must exceed the longest time a partition may go unflushed (see docs/cluster.md).
    public var maxAge: Duration
    /// Bytes kept; when reached, publishes are refused (`Discard=New`).
    public var maxBytes: Int64

    public init(name: String, subjects: [String], replicas: Int, maxAge: Duration, maxBytes: Int64) {
        self.name = name
        self.subjects = subjects
        self.replicas = replicas
        self.maxAge = maxAge
        self.maxBytes = maxBytes
    }

    /// R3 when there are three servers or more, as one replica per failure domain; R1 on fewer.
    public static func replicas(forServers count: Int) -> Int { count >= 3 ? 3 : 1 }
}

/// A stream's identity and state, as the server reports it.
public struct StreamState: Equatable, Sendable {
    public var name: String
    /// When the server created the stream (ns since the epoch): unchanged as long as the stream is reused.
    public var created: Int64
    public var messages: UInt64
    public var bytes: UInt64
    public var firstSequence: UInt64
    public var lastSequence: UInt64
    public var replicas: Int
    public var subjects: [String]
}
