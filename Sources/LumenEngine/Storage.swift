import Foundation
import Logging
import LumenModel
import Synchronization

/// Lumen's single-node store: the write-ahead log for durability, the head for recent data, immutable blocks on
/// disk for the rest (`docs/format/blocks.md`).
///
/// Contract: `append` returns only once the batch is fsynced in the log *and* visible to queries, so an
/// acknowledged write survives `kill -9` and is readable at once. Reads see the head, a head being cut, and the
/// blocks, merged. Opening loads the blocks and replays the log segments no block holds yet.
///
/// Directory layout: `wal/` (segments), `blocks/<ULID>/` (one tenant's block each), `blocks/checkpoint` (the log
/// segment below which every record is in blocks).
public final class Storage: Sendable {
    public let directory: String
    public let options: StorageOptions
    let wal: WriteAheadLog
    let logger: Logger
    let blocksDirectory: String
    /// Held from `init` to `close`: a second process on the same directory would break this one's log.
    let lock: DataDirectoryLock

    /// What reads see. Guarded by its mutex; swapped, never mutated in place, by appends' head swap and by
    /// the maintenance lane.
    struct State {
        var head = Head()
        /// The head being written as blocks, still read until its blocks are open, and the log segment its
        /// records end before.
        var cutting: (head: Head, walSegmentsBefore: Int)?
        /// Heads handed off to be stored elsewhere (`handOff`), still read until their time is up.
        var handedOff: [(head: Head, until: ContinuousClock.Instant)] = []
        var blocks: [Block] = []
        /// Per tenant, the newest sample time accepted (at most the future window ahead of the clock): the
        /// out-of-order window of a series the head holds no samples of trails it.
        var newestSample: [Tenant: Int64] = [:]
    }

    let state = Mutex(State())
    let lane = SerialLane()
    /// The damaged pages reads have met (`readFailed`), for the log and `/metrics`.
    public let damagedPages = DamagedPages()

    /// Opens (or creates) the store under `directory`: loads its blocks, then replays the log. A torn or
    /// corrupt log tail is truncated with a warning, never fatal.
    public init(
        directory: String, options: StorageOptions = StorageOptions(), logger: Logger,
        onCommit: @escaping @Sendable (_ records: Int, _ duration: Duration) -> Void = { _, _ in }
    ) throws {
        self.directory = directory
        self.options = options
        self.logger = logger
        blocksDirectory = directory + "/" + Self.blocksDirectoryName
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        lock = try DataDirectoryLock(directory: directory)
        try FileManager.default.createDirectory(atPath: blocksDirectory, withIntermediateDirectories: true)
        let logDirectory = directory + "/" + Self.walDirectoryName
        let oldestLogSegment = ((try? WALFileSystem.list(logDirectory)) ?? []).compactMap(WALSegment.init(fileName:))
            .map(\.index).min()
        let (blocks, checkpoint) = try Self.loadBlocks(
            blocksDirectory, oldestLogSegment: oldestLogSegment, logger: logger)
        wal = try WriteAheadLog(directory: logDirectory, logger: logger, onCommit: onCommit)
        let head = Head()
        var skipped = 0
        let report = try wal.replay(from: checkpoint) { payload in
            do {
                head.append(try BatchRecord.decode(payload))
            } catch {
                // A record that passed its CRC but does not decode was written by a different format version.
                skipped += 1
                logger.error("skipping an undecodable log record: \(error)")
            }
        }
        var newest: [Tenant: Int64] = [:]
        for block in blocks where block.meta.metrics != nil {
            newest[block.tenant] = max(newest[block.tenant] ?? .min, block.meta.maxTime)
        }
        for tenant in head.tenants {
            if let time = head.newestSample(tenant) { newest[tenant] = max(newest[tenant] ?? .min, time) }
        }
        // A sample stored ahead of the clock before the future window existed must not hold the window back.
        let latestAccepted = latestAcceptedTime
        newest = newest.mapValues { min($0, latestAccepted) }
        state.withLock {
            $0.head = head
            $0.blocks = blocks
            $0.newestSample = newest
        }
        let stats = head.statistics
        logger.info(
            "opened the store",
            metadata: [
                "blocks": "\(blocks.count)", "records": "\(report.records)", "skipped": "\(skipped)",
                "spans": "\(stats.spans)", "logs": "\(stats.logs)", "samples": "\(stats.samples)",
            ])
    }

    /// The head now receiving appends.
    public var head: Head { state.withLock { $0.head } }

    /// The counted bytes (`Head.memory`) of every head this store keeps in memory: the live one, one being cut
    /// into blocks — held until its blocks are written, which on a loaded machine takes minutes — and those handed
    /// off and still read.
    public var heldHeadBytes: Int { headBytes.held }

    /// `heldHeadBytes`, and the counted bytes of the head among them being cut into blocks now (0 when none is: a
    /// cut's working memory grows with it), taken under one lock: what the admission gate weighs on every request.
    public var headBytes: (held: Int, cutting: Int) {
        let (heads, cutting) = state.withLock { state in
            ([state.head] + (state.cutting.map { [$0.head] } ?? []) + state.handedOff.map(\.head), state.cutting?.head)
        }
        return (heads.reduce(0) { $0 + $1.memory.bytes }, cutting?.memory.bytes ?? 0)
    }

    /// The blocks now served, oldest first.
    public var blocks: [Block] { state.withLock { $0.blocks } }

    /// Makes the batch durable, then visible. Throws if the log cannot be written; nothing is acknowledged then.
    /// Samples older than the out-of-order window are refused (counted in the report), and so are samples whose
    /// series and time a block already holds (a repeat counted as a duplicate, another value as a conflict).
    ///
    /// Batches reach the head in the order the log holds them (applied by the log's applier thread right after
    /// their fsync), so where two batches disagree — the same sample with two values — the one kept now is the
    /// one a replay keeps after a crash.
    @discardableResult
    public func append(_ batch: Batch) async throws -> AppendReport {
        var kept = batch
        var report = AppendReport()
        dropTooNew(&kept, report: &report)
        if !kept.series.isEmpty {
            (report.tooOldSamples, report.tooOldExemplars) = dropTooOld(&kept)
            (report.duplicateSamples, report.conflictingSamples) = dropHeldInOlderSources(&kept)
        }
        guard !kept.isEmpty else { return report }
        let batch = kept
        let applied = Mutex(AppendReport())
        try await wal.append(BatchRecord.encode(batch)) { [self] in
            assert(WriteAheadLog.isApplierThread, "the head is appended to on the WAL's applier thread")
            // The head is looked up here, in log order, so a head swap splits the log exactly.
            let head = state.withLock { $0.head }
            let result = head.append(batch)
            applied.withLock { $0 = result }
        }
        report += applied.withLock { $0 }
        return report
    }

    public var walStats: WALStats { wal.stats }

    /// Why the store refuses writes, or nil while it accepts them: after a failed write or fsync the log
    /// refuses every append until it is reopened; while the disk is full, appends fail until space returns
    /// (`WriteAheadLog.diskFull`).
    public var unwritableReason: String? { (wal.failure ?? wal.diskFull)?.description }

    /// Waits for pending appends, syncs the log and gives up the directory's lock.
    public func close() throws {
        defer { lock.release() }
        try wal.close()
    }
}
