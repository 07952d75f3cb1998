import Foundation
import LumenModel

/// Writes a block directory — `meta.json` and the `metrics/`, `logs/`, `spans/` and `exemplars` parts that have data
/// (`docs/format/blocks.md`).
///
/// Crash-safe: everything goes into `<id>.tmp`, is fsynced, and the directory is renamed into place and its
/// parent fsynced. A reader (and a restart) sees a whole block or none; a leftover `.tmp` is removed at start-up.
public struct BlockWriter: Sendable {
    /// The zstd level of log and span pages: `Zstd.cutLevel` for head cuts, `Zstd.compactionLevel` for merges.
    public var compressionLevel: Int32

    public init(compressionLevel: Int32 = Zstd.cutLevel) {
        self.compressionLevel = compressionLevel
    }

    /// Writes the block and returns its meta. A failure (a full disk …) leaves nothing behind: the temporary
    /// directory, or the block if it failed after its rename, is removed before the error is rethrown, so the
    /// caller may simply try again later.
    public func write(
        _ contents: BlockContents, into blocksDirectory: String, id: BlockID = .generate(), level: Int = 1,
        sources: [String] = [], walSegmentsBefore: Int
    ) throws(BlockError) -> BlockMeta {
        let directory = blocksDirectory + "/" + id.description
        let temporary = directory + Block.temporarySuffix
        if BlockFile.exists(temporary) { try BlockFile.removeTree(temporary) }
        do throws(BlockError) {
            return try write(
                contents, temporary: temporary, renamedTo: directory, id: id, level: level, sources: sources,
                walSegmentsBefore: walSegmentsBefore)
        } catch {
            for leftover in [temporary, directory] where BlockFile.exists(leftover) {
                try? BlockFile.removeTree(leftover)
            }
            try? BlockFile.syncDirectory(blocksDirectory)
            throw error
        }
    }

    private func write(
        _ contents: BlockContents, temporary: String, renamedTo directory: String, id: BlockID, level: Int,
        sources: [String], walSegmentsBefore: Int
    ) throws(BlockError) -> BlockMeta {
        let blocksDirectory = (directory as NSString).deletingLastPathComponent
        try BlockFile.makeDirectory(temporary)
        let range = contents.timeRange
        var meta = BlockMeta(
            id: id.description, version: BlockMeta.currentVersion, tenant: contents.tenant.id, minTime: range.min,
            maxTime: range.max, level: level, sources: sources, walSegmentsBefore: walSegmentsBefore)
        if !contents.series.isEmpty {
            meta.metrics = try MetricPartWriter().write(
                contents.series, to: temporary + "/" + MetricPart.directoryName, id: id, tenant: contents.tenant).stats
        }
        if !contents.logStreams.isEmpty {
            let part = LogPartWriter.encode(contents.logStreams, tenant: contents.tenant, level: compressionLevel)
            try writePart(temporary + "/" + LogPart.directoryName, [
                (LogPart.pagesFileName, part.pages), (LogPart.indexFileName, part.index),
            ])
            meta.logs = part.statistics
        }
        if !contents.spans.isEmpty {
            let part = SpanPartWriter.encode(contents.spans, tenant: contents.tenant, level: compressionLevel)
            try writePart(temporary + "/" + SpanPart.directoryName, [
                (SpanPart.pagesFileName, part.pages), (SpanPart.indexFileName, part.index),
            ])
            meta.spans = part.statistics
        }
        if contents.exemplars.contains(where: { !$0.exemplars.isEmpty }) {
            let part = ExemplarPart.encode(contents.exemplars, level: compressionLevel)
            try BlockFile.writeDurably(part.bytes, to: temporary + "/" + ExemplarPart.fileName)
            meta.exemplars = part.statistics
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do { json = try encoder.encode(meta) } catch { throw BlockError(.invalidArgument, "meta: \(error)") }
        try BlockFile.writeDurably(Array(json) + [UInt8(ascii: "\n")], to: temporary + "/" + Block.metaFileName)
        try BlockFile.syncDirectory(temporary)
        try BlockFile.rename(temporary, to: directory)
        try BlockFile.syncDirectory(blocksDirectory)
        return meta
    }

    private func writePart(_ directory: String, _ files: [(name: String, bytes: [UInt8])]) throws(BlockError) {
        try BlockFile.makeDirectory(directory)
        for file in files { try BlockFile.writeDurably(file.bytes, to: directory + "/" + file.name) }
        try BlockFile.syncDirectory(directory)
    }
}
