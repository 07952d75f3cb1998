import LumenModel

/// Merges the metric parts of several blocks of one tenant into one part, in bounded memory: what compaction
/// writes (`BlockMerge`). The result holds the same samples as decoding every source whole and writing them with
/// `MetricPartWriter` (a repeated timestamp keeps the value of the earliest source given, as the head and that
/// writer keep the first value given); only the cut of chunks may differ.
///
/// Series are taken in label order by a k-way merge of the sources' indexes (parsed whole at open already).
/// A chunk whose time range overlaps no other chunk of its series is copied as it is, checksum verified, not
/// decoded; chunks that overlap are decoded as the merge reaches them, their samples merged by time and
/// re-encoded into chunks of at most `maxSamplesPerChunk`. The chunks file is streamed to disk
/// (`MetricPartStreamWriter`); a damaged source chunk throws its `BlockError`, whose path names the source.
///
/// Memory held at once, besides the sources' parsed indexes: the new index's entries (labels and 3 integers a
/// chunk, about the new index's size), the chunks file's write buffer (1 MiB), one chunk being copied, and for
/// overlapping chunks the decoded samples of those open at one time — one a source when each source's chunks of
/// a series are disjoint in time, as its writer makes them: at most sources × `ChunkFormat.maxSamples` × 16 bytes
/// (sources × 16 KiB for chunks of the default 1024 samples) — plus `maxSamplesPerChunk` samples waiting to be
/// encoded. Nothing grows with the samples of a series or of the part.
struct MetricPartMerge {
    /// Samples per re-encoded chunk at most; copied chunks keep their own count.
    var maxSamplesPerChunk: Int

    init(maxSamplesPerChunk: Int = MetricPart.defaultMaxSamplesPerChunk) {
        precondition((1...ChunkFormat.maxSamples).contains(maxSamplesPerChunk))
        self.maxSamplesPerChunk = maxSamplesPerChunk
    }

    /// Writes the series of `sources` (in priority order: the earlier wins a repeated timestamp) as one part at
    /// `directory`, which must not exist, and returns its metadata; nil, and no directory, when no source has a
    /// sample.
    func write(_ sources: [MetricPartReader], to directory: String, id: BlockID, tenant: Tenant) throws(BlockError)
        -> MetricPartMeta?
    {
        guard sources.contains(where: { $0.index.series.contains { !$0.chunks.isEmpty } }) else { return nil }
        let part = try MetricPartStreamWriter(directory: directory, id: id, tenant: tenant)
        do throws(BlockError) {
            var series = SeriesMerge(sources.map(\.index.series))
            while let (labels, pieces) = series.next() {
                try write(pieces, of: labels, from: sources, to: part)
            }
        } catch {
            part.abandon()
            throw error
        }
        return try part.finish()
    }

    /// One series: its chunks grouped by overlapping time ranges; a group of one is copied, a larger one merged.
    private func write(_ pieces: [Piece], of labels: Labels, from sources: [MetricPartReader],
        to part: MetricPartStreamWriter) throws(BlockError)
    {
        let ordered = pieces.sorted { ($0.reference.minTime, $0.rank) < ($1.reference.minTime, $1.rank) }
        // Merged samples not yet written: groups merged one after another fill chunks together.
        var pending: [Sample] = []
        pending.reserveCapacity(maxSamplesPerChunk)
        var start = 0
        while start < ordered.count {
            var end = start + 1
            var reach = ordered[start].reference.maxTime
            while end < ordered.count, ordered[end].reference.minTime <= reach {
                reach = max(reach, ordered[end].reference.maxTime)
                end += 1
            }
            if end - start == 1 {
                try flush(&pending, of: labels, to: part)
                let reference = ordered[start].reference
                let chunk = try sources[ordered[start].source].chunk(reference)
                try part.append(chunk.bytes, count: chunk.count, minTime: reference.minTime,
                    maxTime: reference.maxTime, of: labels)
            } else {
                try merge(ordered[start..<end], into: &pending, of: labels, from: sources, to: part)
            }
            start = end
        }
        try flush(&pending, of: labels, to: part)
    }

    /// Writes `pending` as a chunk, if it holds samples, and empties it.
    private func flush(_ pending: inout [Sample], of labels: Labels, to part: MetricPartStreamWriter) throws(BlockError) {
        guard !pending.isEmpty else { return }
        try part.append(encoding: pending, of: labels)
        pending.removeAll(keepingCapacity: true)
    }

    /// Overlapping chunks (sorted by first time, then rank) merged sample by sample: a chunk is decoded when the
    /// merge reaches its first time and dropped when used up. Of samples at one time the one of the lowest rank
    /// is kept (ties within a chunk: the first), exactly as a stable sort of all of them would keep it. The
    /// samples go to `pending`, written as a chunk whenever it is full.
    private func merge(_ group: ArraySlice<Piece>, into pending: inout [Sample], of labels: Labels,
        from sources: [MetricPartReader], to part: MetricPartStreamWriter) throws(BlockError)
    {
        var unopened = group.makeIterator()
        var next = unopened.next()
        var open: [(rank: Int, samples: [Sample], position: Int)] = []
        var last = Int64.min
        var started = false
        while true {
            var lowest: Int? = nil
            for index in open.indices {
                guard let current = lowest else {
                    lowest = index
                    continue
                }
                let (a, b) = (open[index], open[current])
                if (a.samples[a.position].timestamp, a.rank) < (b.samples[b.position].timestamp, b.rank) { lowest = index }
            }
            let lowestTime = lowest.map { open[$0].samples[open[$0].position].timestamp }
            if let piece = next, lowestTime.map({ piece.reference.minTime <= $0 }) ?? true {
                var samples = try sources[piece.source].decoded(piece.reference)
                if !zip(samples, samples.dropFirst()).allSatisfy({ $0.timestamp <= $1.timestamp }) {
                    samples = samples.enumerated()
                        .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
                }
                open.append((piece.rank, samples, 0))
                next = unopened.next()
                continue
            }
            guard let best = lowest else { break }
            let sample = open[best].samples[open[best].position]
            if !started || sample.timestamp > last {
                pending.append(sample)
                last = sample.timestamp
                started = true
                if pending.count == maxSamplesPerChunk { try flush(&pending, of: labels, to: part) }
            }
            open[best].position += 1
            if open[best].position == open[best].samples.count { open.remove(at: best) }
        }
    }
}

extension MetricPartMerge {
    /// One chunk of a series in one source; `rank` orders the chunks as the sources and their indexes give them.
    struct Piece {
        var source: Int
        var rank: Int
        var reference: ChunkReference
    }

    /// The series of several sorted indexes in label order, each with its chunks from every source holding it.
    struct SeriesMerge {
        private let indexes: [[MetricIndexReader.Series]]
        /// Each source's series positions in label order: its index order, unless an index is out of order.
        private let orders: [[Int]?]
        private var positions: [Int]

        init(_ indexes: [[MetricIndexReader.Series]]) {
            self.indexes = indexes
            orders = indexes.map { series in
                zip(series, series.dropFirst()).allSatisfy { $0.labels < $1.labels }
                    ? nil : series.indices.sorted { (series[$0].labels, $0) < (series[$1].labels, $1) }
            }
            positions = Array(repeating: 0, count: indexes.count)
        }

        private func current(_ source: Int) -> MetricIndexReader.Series? {
            let position = positions[source]
            guard position < indexes[source].count else { return nil }
            return indexes[source][orders[source]?[position] ?? position]
        }

        /// The next labels and every chunk of theirs, ranked by source, then by index position.
        mutating func next() -> (Labels, [Piece])? {
            var lowest: Labels? = nil
            for source in indexes.indices {
                if let labels = current(source)?.labels, lowest.map({ labels < $0 }) ?? true { lowest = labels }
            }
            guard let lowest else { return nil }
            var pieces: [Piece] = []
            for source in indexes.indices {
                while let series = current(source), series.labels == lowest {
                    for reference in series.chunks {
                        pieces.append(Piece(source: source, rank: pieces.count, reference: reference))
                    }
                    positions[source] += 1
                }
            }
            return (lowest, pieces)
        }
    }
}
