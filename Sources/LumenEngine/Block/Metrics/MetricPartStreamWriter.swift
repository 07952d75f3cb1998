import Foundation
import LumenModel

/// Writes a metric part directory (`docs/format/index.md`) series by series, its chunks file streamed to disk as
/// it grows: what a merge writes through, holding only the index entries (labels and chunk references, about
/// the index's size) and a bounded write buffer, never the chunks file.
///
/// Crash-safe as `MetricPartWriter`: everything goes into `<directory>.tmp`, fsynced, renamed into place by
/// `finish()`, the parent fsynced. Until then (and after a failure, which removes the `.tmp`) nothing is at
/// `directory`. One owner at a time.
final class MetricPartStreamWriter {
    let directory: String
    private let temporary: String
    private let id: BlockID
    private let tenant: Tenant
    private let chunks: BlockFile.Appender
    private var entries: [MetricIndexWriter.Series] = []
    private var stats = MetricPartMeta.Stats(series: 0, samples: 0, chunks: 0)
    private var minTime = Int64.max
    private var maxTime = Int64.min

    /// Starts the part at `directory`, which must not exist; a leftover `.tmp` of a crash is removed first.
    init(directory: String, id: BlockID, tenant: Tenant) throws(BlockError) {
        guard !BlockFile.exists(directory) else {
            throw BlockError(.invalidArgument, "the block directory already exists", path: directory)
        }
        self.directory = directory
        self.id = id
        self.tenant = tenant
        temporary = directory + Block.temporarySuffix
        if BlockFile.exists(temporary) { try BlockFile.removeTree(temporary) }
        try BlockFile.makeDirectory(temporary)
        do throws(BlockError) {
            chunks = try BlockFile.Appender(creating: temporary + "/" + MetricPart.chunksFileName)
            try chunks.append(MetricPart.chunksMagic + [MetricPart.version, 0, 0, 0])
        } catch {
            try? BlockFile.removeTree(temporary)
            throw error
        }
    }

    /// Appends `chunk` (its `count` samples from `minTime` to `maxTime`) to the series `labels`. Series must come
    /// in label order, each one's chunks in time order without overlap.
    func append(_ chunk: [UInt8], count: Int, minTime: Int64, maxTime: Int64, of labels: Labels) throws(BlockError) {
        if entries.last?.labels != labels {
            precondition(entries.last.map { $0.labels < labels } ?? true, "series out of label order")
            entries.append(.init(labels: labels, chunks: []))
            stats.series += 1
        }
        let offset = chunks.count
        try chunks.append { ChecksummedRecord.append(chunk, to: &$0) }
        entries[entries.count - 1].chunks.append(.init(minTime: minTime, maxTime: maxTime, offset: offset))
        stats.samples += count
        stats.chunks += 1
        self.minTime = Swift.min(self.minTime, minTime)
        self.maxTime = Swift.max(self.maxTime, maxTime)
    }

    /// Encodes `samples` (in time order, at most `ChunkFormat.maxSamples`) as one chunk of the series `labels` and
    /// appends it, as `append(_:count:minTime:maxTime:of:)` does.
    func append(encoding samples: [Sample], of labels: Labels) throws(BlockError) {
        let chunk = MetricChunk(encoding: samples)
        try append(chunk.bytes, count: chunk.count, minTime: chunk.minTime, maxTime: chunk.maxTime, of: labels)
    }

    /// Writes the index and `meta.json`, fsyncs, and renames the part into place; returns its metadata.
    func finish() throws(BlockError) -> MetricPartMeta {
        let metadata = MetricPartMeta(
            id: id.description, version: Int(MetricPart.version), minTime: stats.series == 0 ? 0 : minTime,
            maxTime: stats.series == 0 ? 0 : maxTime, stats: stats)
        do throws(BlockError) {
            try chunks.finish()
            try BlockFile.writeDurably(
                MetricIndexWriter.build(entries, tenant: tenant.id), to: temporary + "/" + MetricPart.indexFileName)
            try BlockFile.writeDurably(metadata.fileBytes, to: temporary + "/" + MetricPart.metaFileName)
            try BlockFile.syncDirectory(temporary)
            try BlockFile.rename(temporary, to: directory)
        } catch {
            abandon()
            throw error
        }
        let parent = (directory as NSString).deletingLastPathComponent
        try BlockFile.syncDirectory(parent.isEmpty ? "." : parent)
        return metadata
    }

    /// Removes what was written: for a caller that fails before `finish()`.
    func abandon() {
        try? BlockFile.removeTree(temporary)
    }
}
