import LumenModel

/// The metric and exemplar parts of a merge.
extension BlockMerge {
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
