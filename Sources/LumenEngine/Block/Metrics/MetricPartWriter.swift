import LumenModel

/// Writes an immutable metric block directory — `chunks`, `index`, `meta.json` (`docs/format/index.md`) —
/// from a list of series: a head cut's metric part, through `MetricPartStreamWriter` as merges write theirs.
///
/// Crash-safe as that writer: a reader, and a restart, sees a whole part or none. Stateless and `Sendable`:
/// parts may be written concurrently into different directories.
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
    ///
    /// Memory: the chunks stream to disk (`MetricPartStreamWriter`), and a series' samples are copied only when
    /// they are out of order or given twice, so a head cut needs the index's size beside the head, not the
    /// samples again.
    @discardableResult
    public func write(
        _ series: [(labels: Labels, samples: [Sample])], to directory: String, id: BlockID = .generate(),
        tenant: Tenant = .anonymous
    ) throws(BlockError) -> MetricPartMeta {
        let writer = try MetricPartStreamWriter(directory: directory, id: id, tenant: tenant)
        do throws(BlockError) {
            let order = series.indices.filter { !series[$0].samples.isEmpty }.sorted {
                (series[$0].labels, $0) < (series[$1].labels, $1)
            }
            var next = 0
            while next < order.count {
                let labels = series[order[next]].labels
                var samples = series[order[next]].samples
                next += 1
                while next < order.count, series[order[next]].labels == labels {
                    samples += series[order[next]].samples
                    next += 1
                }
                samples = samples.sortedUnique()
                for start in stride(from: 0, to: samples.count, by: maxSamplesPerChunk) {
                    let end = min(start + maxSamplesPerChunk, samples.count)
                    try writer.append(encoding: Array(samples[start..<end]), of: labels)
                }
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
