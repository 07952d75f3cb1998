import Foundation
import LumenModel

/// Writes an immutable metric block directory — `chunks`, `index`, `meta.json` (`docs/format/index.md`) —
/// from a list of series.
///
/// Crash-safe: everything is written into `<directory>.tmp` and fsynced, then the directory is renamed into
/// place and its parent fsynced; a leftover `.tmp` from a crash is removed first. A reader therefore sees a
/// whole block or none. Stateless and `Sendable`: blocks may be written concurrently into different directories.
public struct MetricPartWriter: Sendable {
    /// Samples per chunk at most; a series with more gets several chunks.
    public var maxSamplesPerChunk: Int

    public init(maxSamplesPerChunk: Int = MetricPart.defaultMaxSamplesPerChunk) {
        precondition((1...ChunkFormat.maxSamples).contains(maxSamplesPerChunk))
        self.maxSamplesPerChunk = maxSamplesPerChunk
    }

    /// Writes `series` of `tenant` as a block at `directory`, which must not exist, and returns its metadata.
    ///
    /// Series are sorted by labels and series given twice are merged; samples are sorted by time and a
    /// repeated timestamp keeps the first value given (as the head does). Series without samples are left out.
    @discardableResult
    public func write(
        _ series: [(labels: Labels, samples: [Sample])], to directory: String, id: BlockID = .generate(),
        tenant: Tenant = .anonymous
    ) throws(BlockError) -> MetricPartMeta {
        guard !BlockFile.exists(directory) else {
            throw BlockError(.invalidArgument, "the block directory already exists", path: directory)
        }
        let files = encode(series, id: id, tenant: tenant)
        let temporary = directory + Block.temporarySuffix
        if BlockFile.exists(temporary) { try BlockFile.removeTree(temporary) }
        try BlockFile.makeDirectory(temporary)
        try BlockFile.writeDurably(files.chunks, to: temporary + "/" + MetricPart.chunksFileName)
        try BlockFile.writeDurably(files.index, to: temporary + "/" + MetricPart.indexFileName)
        try BlockFile.writeDurably(files.meta, to: temporary + "/" + MetricPart.metaFileName)
        try BlockFile.syncDirectory(temporary)
        try BlockFile.rename(temporary, to: directory)
        let parent = (directory as NSString).deletingLastPathComponent
        try BlockFile.syncDirectory(parent.isEmpty ? "." : parent)
        return files.metadata
    }

    /// The three files' bytes, without touching the disk.
    func encode(_ series: [(labels: Labels, samples: [Sample])], id: BlockID, tenant: Tenant = .anonymous)
        -> (chunks: [UInt8], index: [UInt8], meta: [UInt8], metadata: MetricPartMeta)
    {
        var merged: [Labels: [Sample]] = [:]
        for entry in series where !entry.samples.isEmpty { merged[entry.labels, default: []] += entry.samples }
        var chunks = MetricPart.chunksMagic + [MetricPart.version, 0, 0, 0]
        var entries: [MetricIndexWriter.Series] = []
        var stats = MetricPartMeta.Stats(series: 0, samples: 0, chunks: 0)
        var minTime = Int64.max
        var maxTime = Int64.min
        for labels in merged.keys.sorted() {
            let samples = merged[labels]!.sortedUnique()
            var references: [ChunkReference] = []
            for start in stride(from: 0, to: samples.count, by: maxSamplesPerChunk) {
                let chunk = MetricChunk(encoding: Array(samples[start..<min(start + maxSamplesPerChunk, samples.count)]))
                references.append(.init(minTime: chunk.minTime, maxTime: chunk.maxTime, offset: chunks.count))
                ChecksummedRecord.append(chunk.bytes, to: &chunks)
            }
            entries.append(.init(labels: labels, chunks: references))
            stats.series += 1
            stats.samples += samples.count
            stats.chunks += references.count
            minTime = min(minTime, samples[0].timestamp)
            maxTime = max(maxTime, samples[samples.count - 1].timestamp)
        }
        if stats.series == 0 {
            minTime = 0
            maxTime = 0
        }
        let metadata = MetricPartMeta(
            id: id.description, version: Int(MetricPart.version), minTime: minTime, maxTime: maxTime, stats: stats)
        return (chunks, MetricIndexWriter.build(entries, tenant: tenant.id), metadata.fileBytes, metadata)
    }
}
