import LumenEngine

/// The body of `POST /lumen/v1/internal/read`, which every node answers from its own store: one source read,
/// its request, and the read-your-writes barrier — for each of the partitions the asking node expects this one to
/// hold, the stream sequence it must have applied first. The answer is a `RemoteReply` in its binary encoding.
public struct InternalRead: Codable, Sendable, Equatable {
    public static let path = "/lumen/v1/internal/read"
    public static let contentType = "application/vnd.lumen.read-answer"
    /// The largest reply a node sends, and a query node accepts: past it the read fails with an error naming the
    /// size (log and span pages stay far below it, `RemotePaging`; a metric read near its sample limit may not).
    public static let maxReplyBytes = 256 << 20

    public var read: RemoteRead
    public var request: ReadRequest
    /// Partition → stream sequence.
    public var barrier: [Int: UInt64]
    /// How long the asking query may still wait, in milliseconds: the answering node stops by then.
    public var timeoutMilliseconds: Int64

    public init(read: RemoteRead, request: ReadRequest, barrier: [Int: UInt64] = [:], timeoutMilliseconds: Int64) {
        self.read = read
        self.request = request
        self.barrier = barrier
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
