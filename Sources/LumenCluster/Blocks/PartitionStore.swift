import Foundation
import Logging
import LumenEngine
import LumenModel
import Synchronization

/// One owned partition's own store on a storage node that flushes to a shared block store (docs/cluster.md,
/// "Blocks in shared storage"): `<data>/cluster/p<NN>/` holds its `Storage` (`store/`: WAL and head), what it
/// applied (`AppliedBatches`) and `flushed`, the flushed sequence the store's data sits on — the store holds
/// exactly the partition's messages after it, up to what it applied.
///
/// Opening it for a new epoch decides where applying resumes: after what this node applied itself when its store
/// sits on the partition's flushed sequence now (it flushed last, or nobody flushed since it left), else after
/// the flushed sequence with the store emptied (someone else flushed what it holds, or more).
///
/// Contract: the partition's applier thread appends and flushes; `close` once that thread has stopped.
final class PartitionStore: Sendable {
    let partition: Int
    let epoch: UInt64
    let directory: String
    let storage: Storage
    let applied: AppliedBatches
    /// The sequence applying resumes after.
    let startAfter: UInt64
    private let blocks: SharedBlockStore
    private let sequences: FlushedSequences
    private let flushInterval: Duration
    private let linger: Duration
    private let logger: Logger
    /// The flushed sequence this store's head sits on, and the record's revision this owner wrote last.
    private let flushed: Mutex<FlushedSequences.Claim>

    static let flushedFileName = "flushed"

    init(
        partition: Int, epoch: UInt64, claim: FlushedSequences.Claim, dataDirectory: String, blocks: SharedBlockStore,
        sequences: FlushedSequences, options: StorageOptions, flushInterval: Duration, linger: Duration,
        logger: Logger
    ) throws {
        self.partition = partition
        self.epoch = epoch
        self.blocks = blocks
        self.sequences = sequences
        self.flushInterval = flushInterval
        self.linger = linger
        self.logger = logger
        directory = dataDirectory + "/cluster/" + (blocks.partitionDirectory(partition) as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (try? String(contentsOfFile: directory + "/" + Self.flushedFileName, encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let own = try AppliedBatches(directory: directory, partition: partition)
        let keep = base == claim.sequence && own.highestSequence > claim.sequence
        if keep {
            applied = own
            startAfter = own.highestSequence
        } else {
            try own.close()
            if FileManager.default.fileExists(atPath: directory + "/store") {
                try FileManager.default.removeItem(atPath: directory + "/store")
                logger.info("cluster: partition \(partition)'s local data is flushed by another owner or older; discarded")
            }
            applied = try AppliedBatches(directory: directory, partition: partition, discardingAbove: claim.sequence)
            startAfter = claim.sequence
            try Self.writeFlushed(claim.sequence, in: directory)
        }
        storage = try Storage(directory: directory + "/store", options: options, logger: logger)
        flushed = Mutex(claim)
    }

    /// Flushes the head to the shared block store when it is old or big enough (`flushInterval`, the store's
    /// `headMaxBytes`): the flush of `flushed + 1 ... appliedThrough`, then the flushed sequence advanced. Throws
    /// `PartitionApplier.ApplyStop.fenced` when the lease or the flushed record is no longer this owner's (its
    /// flush is removed again); any other error is the store's or NATS'.
    func flushIfDue(appliedThrough: UInt64, mayApply: @escaping @Sendable () -> Bool) throws {
        storage.forgetHandedOffHeads()
        let memory = storage.head.memory
        let age = memory.since > 0 ? Duration.nanoseconds(Timestamp.now() - memory.since) : .zero
        guard memory.bytes >= storage.options.headMaxBytes || (memory.since > 0 && age >= flushInterval) else { return }
        try flush(appliedThrough: appliedThrough, mayApply: mayApply)
    }

    /// Flushes now (see `flushIfDue`). Nothing when the head is empty.
    func flush(appliedThrough: UInt64, mayApply: @escaping @Sendable () -> Bool) throws {
        let claim = flushed.withLock { $0 }
        guard appliedThrough > claim.sequence else { return }
        let (partition, epoch, blocks, sequences) = (self.partition, self.epoch, self.blocks, self.sequences)
        let revision = Mutex<UInt64?>(nil)
        try waitForTask {
            try await self.storage.handOff(keepReadableFor: self.linger) { head in
                guard mayApply() else { throw PartitionApplier.ApplyStop.fenced }
                let flush = try blocks.write(
                    head, partition: partition, first: claim.sequence + 1, last: appliedThrough, epoch: epoch)
                guard mayApply(),
                    let advanced = try sequences.advance(
                        partition: partition, to: appliedThrough, epoch: epoch, expectedRevision: claim.revision)
                else {
                    try? blocks.remove(flush, partition: partition)
                    throw PartitionApplier.ApplyStop.fenced
                }
                revision.withLock { $0 = advanced }
            }
        }
        guard let advanced = revision.withLock({ $0 }) else { return }  // the head was empty
        flushed.withLock { $0 = FlushedSequences.Claim(sequence: appliedThrough, revision: advanced) }
        try Self.writeFlushed(appliedThrough, in: directory)
        logger.debug("cluster: flushed partition \(partition) through \(appliedThrough), epoch \(epoch)")
    }

    /// The partition's flushed sequence as this owner last wrote or claimed it.
    var flushedSequence: UInt64 { flushed.withLock { $0.sequence } }

    func close() {
        try? applied.close()
        do {
            try storage.close()
        } catch {
            logger.warning("cluster: closing partition \(partition)'s store: \(error)")
        }
    }

    private static func writeFlushed(_ sequence: UInt64, in directory: String) throws {
        let path = directory + "/" + flushedFileName
        try Data("\(sequence)\n".utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".tmp"))
        try handle.synchronize()
        try handle.close()
        guard rename(path + ".tmp", path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
