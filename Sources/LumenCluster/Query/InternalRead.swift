import LumenEngine

/// The body of `POST /lumen/v1/internal/read`, which every node answers from its own store: one source read,
/// its request, and the read-your-writes barrier — for each of the partitions the asking node expects this one to
/// hold, the stream sequence it must have applied first. The answer is a `RemoteAnswer` in its binary encoding.
public struct InternalRead: Codable, Sendable, Equatable {
    public static let path = "/lumen/v1/internal/read"
    public static let contentType = "application/vnd.lumen.read-answer"

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
