import Foundation

/// Each partition's flushed sequence — every message of the partition at or below it is in a flush in the shared
/// block store — in the KV bucket `lumen-flushed` (no TTL), key `f.<partition>`, value
/// `{"sequence": …, "epoch": …}`: the epoch of the owner that wrote it last.
///
/// Fencing: an owner *claims* the key when it takes the partition (writes its epoch, unless a greater one is
/// there), and advances it only by compare-and-swap on the revision it wrote last. So once a newer owner claimed
/// it, an older owner's advance fails however late it comes, and the older owner's flush is never committed.
///
/// Contract: every call blocks (a KV request).
public struct FlushedSequences: Sendable {
    public static let bucketName = "lumen-flushed"

    public struct Record: Codable, Equatable, Sendable {
        public var sequence: UInt64
        public var epoch: UInt64

        public init(sequence: UInt64, epoch: UInt64) {
            self.sequence = sequence
            self.epoch = epoch
        }
    }

    /// A claim: the flushed sequence the new owner continues from, and the revision its next advance expects.
    public struct Claim: Equatable, Sendable {
        public var sequence: UInt64
        public var revision: UInt64
    }

    let bucket: KeyValueBucket

    public init(bucket: KeyValueBucket) {
        self.bucket = bucket
    }

    public static func key(ofPartition partition: Int) -> String { "f.\(partition)" }

    public func record(ofPartition partition: Int) throws -> Record? {
        try bucket.get(Self.key(ofPartition: partition)).flatMap { try? JSONDecoder().decode(Record.self, from: Data($0.value)) }
    }

    /// Writes `epoch` into the partition's record, keeping its sequence (0 for a partition never flushed). Nil
    /// when a greater epoch is there already, or another node wrote meanwhile: this node must not apply.
    public func claim(partition: Int, epoch: UInt64) throws -> Claim? {
        let key = Self.key(ofPartition: partition)
        guard let entry = try bucket.get(key) else {
            return try bucket.create(key, value: Self.bytes(Record(sequence: 0, epoch: epoch)))
                .map { Claim(sequence: 0, revision: $0) }
        }
        guard let record = try? JSONDecoder().decode(Record.self, from: Data(entry.value)) else {
            throw ClusterConfigurationError(message: "the flushed sequence of partition \(partition) is unreadable")
        }
        guard record.epoch <= epoch else { return nil }
        return try bucket.update(
            key, value: Self.bytes(Record(sequence: record.sequence, epoch: epoch)), expectedRevision: entry.revision
        ).map { Claim(sequence: record.sequence, revision: $0) }
    }

    /// Advances the partition's flushed sequence to `sequence` if the record is still as this owner last wrote it
    /// (`expectedRevision`): the new revision, or nil when another owner claimed it since (fenced).
    public func advance(partition: Int, to sequence: UInt64, epoch: UInt64, expectedRevision: UInt64) throws -> UInt64? {
        try bucket.update(
            Self.key(ofPartition: partition), value: Self.bytes(Record(sequence: sequence, epoch: epoch)),
            expectedRevision: expectedRevision)
    }

    private static func bytes(_ record: Record) -> [UInt8] { Array(try! JSONEncoder().encode(record)) }
}
