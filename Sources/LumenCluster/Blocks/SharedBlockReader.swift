import Foundation
import Logging
import LumenEngine
import Synchronization

/// A query node's reader of the shared block store: every partition's flushes on the committed path
/// (`SharedBlockStore.chain`, from the start retention kept), their blocks opened once and kept while they are
/// listed (an opened block stays readable when compaction or retention deletes its files). The listing is
/// refreshed when a read finds it older than `maxAge`, so a flush is read within that much of its appearing; until
/// then its owner still serves the flushed head (`PartitionFlushing.linger`).
///
/// Thread-safe.
public final class SharedBlockReader: Sendable {
    let store: SharedBlockStore
    let partitions: Int
    let maxAge: Duration
    let logger: Logger
    private struct Listing {
        var opened: [String: [Block]] = [:]
        var blocks: [Block] = []
        var at: ContinuousClock.Instant?
    }
    private let listing = Mutex(Listing())

    public init(store: SharedBlockStore, partitions: Int, maxAge: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.partitions = partitions
        self.maxAge = maxAge
        self.logger = logger
    }

    /// The blocks as a store to read (beside the owners' heads: `CombinedQuerier`). A damaged page is left out
    /// with a warning in the answer, as a single node's store warns of its own (`Storage.readFailed`).
    public var querier: BlockListQuerier {
        BlockListQuerier(blocks: { [self] _ in blocks() }) { [logger] error in
            ReadScope.current?.dataDamaged(error.damageWarning)
            logger.error("a shared block read failed; its data is left out of this answer", metadata: [
                "path": "\(error.path ?? "")", "error": "\(error)",
            ])
        }
    }

    /// Every committed flush's blocks, oldest first.
    public func blocks() -> [Block] {
        listing.withLock { listing in
            if let at = listing.at, ContinuousClock.now - at < maxAge { return listing.blocks }
            var opened: [String: [Block]] = [:]
            for partition in 0..<partitions {
                do {
                    opened.merge(try open(partition, keeping: listing.opened)) { a, _ in a }
                } catch {
                    logger.error("cannot list partition \(partition)'s shared blocks: \(error)")
                    opened.merge(listing.opened.filter { $0.key.hasPrefix(store.partitionDirectory(partition) + "/") }) { a, _ in a }
                }
            }
            listing.opened = opened
            listing.blocks = opened.values.joined().sorted { $0.meta.minTime < $1.meta.minTime }
            listing.at = .now
            return listing.blocks
        }
    }

    /// The blocks of the partition's path by flush path, reusing those opened before. A flush that compaction or
    /// retention removed between the listing and its opening is not left out: the path is listed again (it then
    /// holds the merged flush, or starts later), up to three times.
    private func open(_ partition: Int, keeping previous: [String: [Block]]) throws -> [String: [Block]] {
        var opened: [String: [Block]] = [:]
        for attempt in 1...3 {
            opened = [:]
            var vanished = false
            for flush in try store.chain(of: partition) {
                let path = store.path(of: flush, partition: partition)
                if let blocks = previous[path] {
                    opened[path] = blocks
                    continue
                }
                do {
                    opened[path] = try BlockSet.open(path)
                } catch {
                    if !FileManager.default.fileExists(atPath: path) && attempt < 3 {
                        vanished = true
                        break
                    }
                    logger.error("a shared flush cannot be opened; it is left out", metadata: [
                        "path": "\(path)", "error": "\(error)",
                    ])
                }
            }
            if !vanished { break }
        }
        return opened
    }
}
