import LumenModel

/// Merges blocks of one tenant into one block: what compaction writes, on one node (`Storage.compact`) and in the
/// cluster's shared block store. Part by part, each into its directory of the new block's `.tmp` by a function of
/// its own, inside `BlockDirectory.write` (crash-safe: a failure leaves nothing behind).
public enum BlockMerge {
    /// Writes the data of `run` (blocks of one tenant) as one block in `blocksDirectory`, one level above the
    /// highest of them and listing them as its sources, and returns it opened. What two blocks hold alike is kept
    /// once: samples of a series at one time, spans with one key, repeated exemplars. A damaged page or chunk of a
    /// source throws its `BlockError`, whose path names that source.
    public static func write(_ run: [Block], into blocksDirectory: String) throws(BlockError) -> Block {
        let id = BlockID.generate()
        let meta = try BlockDirectory.write(into: blocksDirectory, id: id) { temporary throws(BlockError) in
            var meta = BlockMeta(
                id: id.description, version: BlockMeta.currentVersion, tenant: run[0].meta.tenant,
                minTime: run.map(\.meta.minTime).min() ?? 0, maxTime: run.map(\.meta.maxTime).max() ?? 0,
                level: (run.map(\.meta.level).max() ?? 0) + 1, sources: run.map(\.meta.id),
                walSegmentsBefore: run.map(\.meta.walSegmentsBefore).max() ?? 0)
            meta.metrics = try mergeMetricParts(of: run, into: temporary + "/" + MetricPart.directoryName, id: id)
            meta.logs = try mergeLogParts(of: run, into: temporary + "/" + LogPart.directoryName)
            meta.spans = try mergeSpanParts(of: run, into: temporary + "/" + SpanPart.directoryName)
            meta.exemplars = try mergeExemplarParts(of: run, into: temporary + "/" + ExemplarPart.fileName)
            return meta
        }
        return try Block(directory: blocksDirectory + "/" + meta.id)
    }

    /// The sources' log parts as one at `directory`, streamed (`LogPartMerge`), or nil (and no directory) if none
    /// has logs.
    static func mergeLogParts(of run: [Block], into directory: String) throws(BlockError) -> LogPartWriter.Statistics? {
        let parts = run.compactMap(\.logs)
        guard !parts.isEmpty else { return nil }
        return try LogPartMerge.write(parts, tenant: run[0].tenant, level: Zstd.compactionLevel, to: directory)
    }

    /// The sources' span parts as one at `directory`, streamed (`SpanPartMerge`), or nil (and no directory) if none
    /// has spans.
    static func mergeSpanParts(of run: [Block], into directory: String) throws(BlockError) -> SpanPartWriter.Statistics? {
        let parts = run.compactMap { block in block.spans.map { ($0, block.meta.spans?.traces ?? 0) } }
        guard !parts.isEmpty else { return nil }
        return try SpanPartMerge.write(parts, tenant: run[0].tenant, level: Zstd.compactionLevel, to: directory)
    }

    /// The sources' metric parts as one at `directory`, streamed (`MetricPartMerge`: samples of a series at one time
    /// kept once, the earliest block's), or nil (and no directory) if none has samples.
    static func mergeMetricParts(of run: [Block], into directory: String, id: BlockID) throws(BlockError)
        -> MetricPartMeta.Stats?
    {
        try MetricPartMerge().write(run.compactMap(\.metrics), to: directory, id: id, tenant: run[0].tenant)?.stats
    }

    /// The sources' exemplars as one exemplar file at `path`, streamed (`ExemplarPartMerge`: an exemplar repeated
    /// kept once), or nil (and no file) if none has exemplars.
    static func mergeExemplarParts(of run: [Block], into path: String) throws(BlockError) -> ExemplarPart.Statistics? {
        try ExemplarPartMerge.write(run.compactMap(\.exemplars), to: path, level: Zstd.compactionLevel)
    }
}
