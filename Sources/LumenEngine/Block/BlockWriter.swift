import Foundation
import LumenModel

/// Writes a block directory — `meta.json` and the `metrics/`, `logs/`, `spans/` and `exemplars` parts that have data
/// (`docs/format/blocks.md`).
///
/// Crash-safe (`BlockDirectory`): a reader, and a restart, sees a whole block or none.
public struct BlockWriter: Sendable {
    /// The zstd level of log and span pages: `Zstd.cutLevel` for head cuts, `Zstd.compactionLevel` for merges.
    public var compressionLevel: Int32

    public init(compressionLevel: Int32 = Zstd.cutLevel) {
        self.compressionLevel = compressionLevel
    }

    /// Writes the block and returns its meta. A failure (a full disk …) leaves nothing behind
    /// (`BlockDirectory.write`), so the caller may simply try again later.
    public func write(
        _ contents: BlockContents, into blocksDirectory: String, id: BlockID = .generate(), level: Int = 1,
        sources: [String] = [], walSegmentsBefore: Int
    ) throws(BlockError) -> BlockMeta {
        try BlockDirectory.write(into: blocksDirectory, id: id) { temporary throws(BlockError) in
            let range = contents.timeRange
            var meta = BlockMeta(
                id: id.description, version: BlockMeta.currentVersion, tenant: contents.tenant.id, minTime: range.min,
                maxTime: range.max, level: level, sources: sources, walSegmentsBefore: walSegmentsBefore)
            if !contents.series.isEmpty {
                meta.metrics = try MetricPartWriter().write(
                    contents.series, to: temporary + "/" + MetricPart.directoryName, id: id, tenant: contents.tenant
                ).stats
            }
            if !contents.logStreams.isEmpty {
                meta.logs = try LogPartWriter.write(
                    contents.logStreams, tenant: contents.tenant, level: compressionLevel,
                    to: temporary + "/" + LogPart.directoryName)
            }
            if !contents.spans.isEmpty {
                meta.spans = try SpanPartWriter.write(
                    contents.spans, tenant: contents.tenant, level: compressionLevel,
                    to: temporary + "/" + SpanPart.directoryName)
            }
            if contents.exemplars.contains(where: { !$0.exemplars.isEmpty }) {
                meta.exemplars = try ExemplarPart.write(
                    contents.exemplars, level: compressionLevel, to: temporary + "/" + ExemplarPart.fileName)
            }
            return meta
        }
    }
}
