import Foundation
import LumenEngine

/// The directory every node shares (local disk for one machine, NFS/EFS-style in production) that holds each
/// partition's blocks once its owner flushed them: `<directory>/p<NN>/<first>-<last>-e<epoch>-<ULID>/<block ULID>/`
/// (`SharedFlush`, one `BlockSet` per flush). A flush appears whole or not at all (written as `.tmp`, fsynced,
/// renamed); only then does its owner advance the partition's flushed sequence (`FlushedSequences`).
///
/// Thread-safe: it holds no state; writers of one partition are its owners, one epoch at a time.
public struct SharedBlockStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func partitionDirectory(_ partition: Int) -> String {
        directory + "/p" + (partition < 10 ? "0" : "") + String(partition)
    }

    /// Writes `head` as the partition's flush of `first...last` under `epoch`, durably.
    public func write(_ head: Head, partition: Int, first: UInt64, last: UInt64, epoch: UInt64) throws -> SharedFlush {
        let flush = SharedFlush(first: first, last: last, epoch: epoch, id: BlockID.generate().description)
        try BlockSet.write(head, to: partitionDirectory(partition) + "/" + flush.name)
        return flush
    }

    /// Every finished flush of the partition, committed or not.
    public func flushes(of partition: Int) throws -> [SharedFlush] {
        try BlockSet.names(in: partitionDirectory(partition)).compactMap(SharedFlush.init(name:))
    }

    public func path(of flush: SharedFlush, partition: Int) -> String {
        partitionDirectory(partition) + "/" + flush.name
    }

    /// Removes what can never be committed once a new owner claimed the flushed sequence `sequence`: flushes
    /// that end after it (an earlier owner wrote them and lost its lease before advancing the sequence), and
    /// unfinished `.tmp` directories. A stale owner still writing may add one more; readers skip it, since the
    /// new owner's flush at the same start has a greater epoch.
    public func removeUncommitted(of partition: Int, after sequence: UInt64) throws {
        let directory = partitionDirectory(partition)
        for name in try BlockSet.names(in: directory) {
            if let flush = SharedFlush(name: name), flush.last <= sequence { continue }
            if SharedFlush(name: name) != nil || name.hasSuffix(Block.temporarySuffix) {
                try BlockSet.remove(directory + "/" + name)
            }
        }
    }

    public func remove(_ flush: SharedFlush, partition: Int) throws {
        try BlockSet.remove(path(of: flush, partition: partition))
    }
}
