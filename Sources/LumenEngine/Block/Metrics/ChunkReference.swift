/// Where one chunk of a series lives in the chunks file and what time it covers: what the metric part's index
/// stores per chunk (`docs/format/index.md`), written by `MetricIndexWriter` and read by `MetricIndexReader`.
struct ChunkReference: Hashable, Sendable {
    var minTime: Int64
    var maxTime: Int64
    /// Offset of the chunk's record in the chunks file.
    var offset: Int
}
