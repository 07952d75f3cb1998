import Foundation

/// The value of a partition's lease key: who holds it and since which epoch. The epoch is the revision at which the
/// key was created; the first write (the create) cannot know it, so it carries epoch 0, read as "this key's
/// creation revision" until the first renewal writes it.
public struct OwnershipRecord: Codable, Equatable, Sendable {
    public var node: String
    public var epoch: UInt64

    public init(node: String, epoch: UInt64) {
        self.node = node
        self.epoch = epoch
    }

    public static func key(ofPartition partition: Int) -> String { "p.\(partition)" }

    public var bytes: [UInt8] { Array(try! JSONEncoder().encode(self)) }

    /// Decodes a key's value; nil for anything that is not a record.
    public init?(bytes: [UInt8]) {
        guard let record = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = record
    }
}
