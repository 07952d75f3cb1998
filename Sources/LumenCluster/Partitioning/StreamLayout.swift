/// Where partitions live in JetStream: partition `p` is the subject `lumen.ingest.<p>`, held by stream
/// `LUMEN_INGEST_<p mod streams>`. One stream has one Raft leader, so several streams spread the leaders, and the
/// publish and replication work, over the NATS servers.
public struct StreamLayout: Equatable, Sendable {
    public let partitions: Int
    public let streams: Int

    public static let subjectPrefix = "lumen.ingest."
    public static let streamPrefix = "LUMEN_INGEST_"

    public init(partitions: Int, streams: Int) {
        precondition(partitions > 0 && streams > 0, "a layout has partitions and streams")
        self.partitions = partitions
        self.streams = min(streams, partitions)
    }

    public func subject(ofPartition partition: Int) -> String { Self.subjectPrefix + String(partition) }

    public func stream(ofPartition partition: Int) -> String { Self.streamPrefix + String(partition % streams) }

    /// The stream names, in order.
    public var streamNames: [String] { (0..<streams).map { Self.streamPrefix + String($0) } }

    /// The subjects stream `index` holds: those of partitions index, index + streams, …
    public func subjects(ofStream index: Int) -> [String] {
        stride(from: index, to: partitions, by: streams).map(subject(ofPartition:))
    }

    /// The partition a subject names, or nil for another subject.
    public func partition(ofSubject subject: String) -> Int? {
        guard subject.hasPrefix(Self.subjectPrefix), let partition = Int(subject.dropFirst(Self.subjectPrefix.count)),
            (0..<partitions).contains(partition)
        else { return nil }
        return partition
    }
}
