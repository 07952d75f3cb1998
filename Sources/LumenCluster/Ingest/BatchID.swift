/// The identity of one published message's content within its partition, carried in the `Lumen-Batch-Id` header
/// (never `Nats-Msg-Id`, see docs/cluster.md). A collector picks a random ID per client request; every message of
/// it carries that ID with the part's number. A retry republishes the same bytes under the same ID, and a storage
/// node applies each ID of a partition once.
public struct BatchID: Hashable, Sendable, CustomStringConvertible {
    public static let header = "Lumen-Batch-Id"

    /// 32 lowercase hex digits.
    public let request: String

    public init(request: String) {
        self.request = request
    }

    /// 128 random bits.
    public static func random() -> BatchID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return BatchID(request: hex(high) + hex(low))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The header value of message `part` (a request's messages are numbered from 0 across its partitions).
    public func header(part: Int) -> String { "\(request).\(part)" }

    public var description: String { request }
}
