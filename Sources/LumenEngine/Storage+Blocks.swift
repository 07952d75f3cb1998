import Foundation
import Logging
import LumenModel

/// Cutting the head into blocks, retention and compaction: the store's maintenance, run one step at a time on
/// its lane so that none overlaps another. Ingest and queries go on meanwhile.
extension Storage {
    /// Cuts the head into blocks now (one per tenant), then releases the log segments they hold.
    public func flush() async throws {
        try await lane.run {
            defer { HeapAllocator.releaseFreeMemory() }
            try await cutHead()
        }
    }

    /// Drops the blocks past retention and merges adjacent blocks now, as maintenance would
    /// (`POST /api/v1/admin/compact`).
    public func compactNow(now: Int64 = Timestamp.now()) async throws {
        try await lane.run {
            defer { HeapAllocator.releaseFreeMemory() }
            try dropExpiredBlocks(now: now)
            try await compact()
        }
    }

    /// What the server runs periodically: cuts the head when it is old or big enough, drops blocks past
    /// retention, and merges adjacent small blocks.
    /// - Parameter mayMerge: asked before each merge; false defers it to a later run. A merge's working memory is
    ///   a few times the blocks it reads, which a process near its memory ceiling has not got to spare; the
    ///   blocks are served unmerged meanwhile.
    public func maintain(now: Int64 = Timestamp.now(), mayMerge: @Sendable () -> Bool = { true }) async throws {
        try await lane.run {
            // Also after a step that did nothing: what ingest and queries freed since the last one goes back.
            defer { HeapAllocator.releaseFreeMemory() }
            let memory = head.memory
            if memory.bytes >= options.headMaxBytes || (memory.since > 0 && now - memory.since >= options.headMaxAge) {
                try await cutHead()
            }
            try dropExpiredBlocks(now: now)
            try await compact(mayMerge: mayMerge)
        }
    }

    // MARK: Cutting the head

    /// Swaps in an empty head at a point of the log (a rotation), writes the old head as blocks while it is
    /// still read, then serves the blocks instead and deletes the log segments before that point.
    ///
    /// Crash safety: a block is renamed into place whole; the checkpoint that lets replay skip the segments is
    /// written only once every tenant's block of the cut is durable, and blocks of a cut without a checkpoint
    /// are deleted at start-up (their records are still in the log).
    func cutHead() async throws {
        // nil: nothing to do; false: a cut that failed earlier (a full disk …) is retried before any new one.
        let rotate = state.withLock { state -> Bool? in
            state.cutting != nil ? false : (state.head.isEmpty ? nil : true)
        }
        guard let rotate else { return }
        if rotate {
            let boundary = try await wal.rotate { [self] boundary in
                state.withLock { state in
                    state.cutting = (state.head, boundary)
                    state.head = Head()
                }
            }
            logger.debug("cutting the head", metadata: ["walSegmentsBefore": "\(boundary)"])
        }
        guard let (cutting, boundary) = state.withLock({ $0.cutting }) else { return }
        let blocksDirectory = self.blocksDirectory
        let blocks = try await BlockingWork.run("lumen-head-cut") {
            var written: [Block] = []
            do {
                for tenant in cutting.tenants {
                    let meta = try BlockWriter().write(
                        cutting.contents(of: tenant), into: blocksDirectory, walSegmentsBefore: boundary)
                    written.append(try Block(directory: blocksDirectory + "/" + meta.id))
                }
                try Self.writeCheckpoint(boundary, in: blocksDirectory)
                return written
            } catch {
                // The retry (a full disk is retried at the next maintenance) writes every tenant again: blocks of
                // this attempt must not stay beside its own, served twice after a restart.
                for block in written { try? BlockFile.removeTree(block.directory) }
                throw error
            }
        }
        state.withLock { state in
            state.blocks = (state.blocks + blocks).sorted { $0.meta.minTime < $1.meta.minTime }
            state.cutting = nil
        }
        let removed = try wal.removeSegments(before: boundary)
        logger.info("cut the head into blocks", metadata: [
            "blocks": "\(blocks.map(\.meta.id))", "walSegmentsReleased": "\(removed)",
        ])
    }

    // MARK: Retention

    /// Deletes the blocks whose newest data is older than the retention.
    func dropExpiredBlocks(now: Int64) throws {
        let cutoff = now - options.retention
        let expired = state.withLock { state in
            let expired = state.blocks.filter { $0.meta.maxTime < cutoff }
            state.blocks.removeAll { $0.meta.maxTime < cutoff }
            return expired
        }
        for block in expired {
            try BlockFile.removeTree(block.directory)
            logger.info("deleted a block past retention", metadata: ["block": "\(block.meta.id)"])
        }
        if !expired.isEmpty { try BlockFile.syncDirectory(blocksDirectory) }
    }

    // MARK: Compaction

    /// Merges, for each tenant, the oldest run of time-adjacent blocks of one level (`CompactionRun`). A block
    /// found damaged while merging is left out of compaction from then on: merging it would drop its damaged page
    /// for good, while kept it still serves the rest (and its damaged bytes stay for a repair by hand).
    func compact(mayMerge: () -> Bool = { true }) async throws {
        let blocks = state.withLock { $0.blocks }
        for tenant in Set(blocks.map(\.tenant)).sorted() {
            let run = CompactionRun.oldest(
                blocks.filter { $0.tenant == tenant }.sorted { $0.meta.minTime < $1.meta.minTime }, options: options,
                minTime: \.meta.minTime, maxTime: \.meta.maxTime, level: \.meta.level,
                keptApart: { damagedPages.isKeptApart($0.meta.id) })
            guard !run.isEmpty, mayMerge() else { continue }
            do {
                try await merge(run)
            } catch let error as BlockError where error.code == .corrupt {
                guard let block = error.location?.block, run.contains(where: { $0.meta.id == block }) else {
                    throw error
                }
                damagedPages.keepApart(block)
                _ = damagedPages.record(error)
                logger.error("a damaged block is left out of compaction; its readable data is still served",
                    metadata: ["block": "\(block)", "error": "\(error)"])
            }
        }
    }

    /// Writes the blocks' data as one block listing them as sources, serves it in their place, then deletes
    /// them. A crash before the deletion leaves the sources, which start-up deletes.
    func merge(_ run: [Block]) async throws {
        let blocksDirectory = self.blocksDirectory
        let merged = try await BlockingWork.run("lumen-compaction") {
            try BlockMerge.write(run, into: blocksDirectory)
        }
        let ids = Set(run.map(\.meta.id))
        state.withLock { state in
            state.blocks.removeAll { ids.contains($0.meta.id) }
            state.blocks = (state.blocks + [merged]).sorted { $0.meta.minTime < $1.meta.minTime }
        }
        for block in run { try BlockFile.removeTree(block.directory) }
        try BlockFile.syncDirectory(blocksDirectory)
        logger.info("compacted blocks", metadata: [
            "sources": "\(run.map(\.meta.id))", "block": "\(merged.meta.id)", "level": "\(merged.meta.level)",
        ])
    }

    // MARK: Start-up

    /// Opens every complete block, after removing what a crash may have left: `.tmp` directories, blocks of a
    /// cut whose checkpoint was never written while the log still holds their records, and sources of a
    /// compaction that were not yet deleted. Returns the blocks, oldest first, and the checkpoint (the first
    /// log segment to replay).
    ///
    /// A block is only ever removed when another copy of its data exists. A checkpoint that is missing or
    /// unreadable while a block's log segments are gone (deleted after a finished cut, then the checkpoint
    /// lost) means the block is the only copy: it is kept, and the checkpoint is rebuilt past it.
    static func loadBlocks(_ directory: String, oldestLogSegment: Int?, logger: Logger) throws
        -> (blocks: [Block], checkpoint: Int)
    {
        var checkpoint = readCheckpoint(in: directory)
        let checkpointRead = checkpoint
        var blocks: [Block] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let path = directory + "/" + name
            if name.hasSuffix(Block.temporarySuffix) {
                try BlockFile.removeTree(path)
                logger.warning("removed an unfinished block", metadata: ["directory": "\(path)"])
                continue
            }
            guard BlockID(name) != nil else { continue }
            do {
                blocks.append(try Block(directory: path))
            } catch {
                try quarantine(path, because: error, logger: logger)
            }
        }
        let replaced = Set(blocks.flatMap(\.meta.sources))
        var kept: [Block] = []
        for block in blocks {
            if replaced.contains(block.meta.id) {
                try BlockFile.removeTree(block.directory)
                logger.warning("removed a block already compacted into another", metadata: ["block": "\(block.meta.id)"])
            } else if block.meta.level == 1 && block.meta.walSegmentsBefore > checkpointRead,
                let oldest = oldestLogSegment, oldest < block.meta.walSegmentsBefore
            {
                try BlockFile.removeTree(block.directory)
                logger.warning("removed a block of an unfinished head cut; the log still holds its data",
                    metadata: ["block": "\(block.meta.id)", "firstLogSegment": "\(oldest)"])
            } else {
                if block.meta.level == 1 && block.meta.walSegmentsBefore > checkpointRead {
                    logger.warning("kept a block the checkpoint does not cover: the log no longer holds its data",
                        metadata: ["block": "\(block.meta.id)", "checkpoint": "\(checkpointRead)"])
                    checkpoint = max(checkpoint, block.meta.walSegmentsBefore)
                }
                kept.append(block)
            }
        }
        if checkpoint != checkpointRead { try writeCheckpoint(checkpoint, in: directory) }
        return (kept.sorted { $0.meta.minTime < $1.meta.minTime }, checkpoint)
    }

    /// Moves a block that cannot be opened to `<data>/quarantine/`, out of every read, compaction and
    /// retention, but never deleted: what it holds may still be recovered by hand.
    private static func quarantine(_ path: String, because error: any Error, logger: Logger) throws {
        let name = (path as NSString).lastPathComponent
        let quarantine = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            + "/" + quarantineDirectoryName
        try FileManager.default.createDirectory(atPath: quarantine, withIntermediateDirectories: true)
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        let bytes = files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + file)[.size] as? Int) ?? 0)
        }
        try BlockFile.rename(path, to: quarantine + "/" + name)
        try BlockFile.syncDirectory((path as NSString).deletingLastPathComponent)
        logger.error("a block that cannot be opened was moved to quarantine; nothing of it is read", metadata: [
            "block": "\(name)", "to": "\(quarantine)/\(name)", "files": "\(files.count)", "bytes": "\(bytes)",
            "error": "\(error)",
        ])
    }

    static func readCheckpoint(in directory: String) -> Int {
        guard let text = try? String(contentsOfFile: directory + "/" + checkpointFileName, encoding: .utf8) else {
            return 0
        }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Replaces the checkpoint durably: written beside, fsynced, renamed over. A failed write leaves the old one.
    static func writeCheckpoint(_ segment: Int, in directory: String) throws {
        let path = directory + "/" + checkpointFileName
        let temporary = path + Block.temporarySuffix
        if BlockFile.exists(temporary) { try FileManager.default.removeItem(atPath: temporary) }
        do {
            try BlockFile.writeDurably(Array("\(segment)\n".utf8), to: temporary)
        } catch {
            try? BlockFile.remove(temporary)
            throw error
        }
        try BlockFile.rename(temporary, to: path)
        try BlockFile.syncDirectory(directory)
    }
}
