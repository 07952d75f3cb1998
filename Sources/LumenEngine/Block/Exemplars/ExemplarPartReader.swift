import LumenModel

/// Answers exemplar reads from a block's `exemplars` file by decoding its pages whole (see `ExemplarPart`).
/// Immutable: one reader serves any number of concurrent queries.
final class ExemplarPartReader: Sendable {
    private let file: PageFile.Reader

    init(path: String) throws(BlockError) {
        file = try PageFile.Reader(path: path, magic: ExemplarPart.magic)
    }

    /// Exemplars in `[from, to]` of the series the matchers select, as series without samples. A damaged page
    /// throws, or with `skipDamaged` is reported there and left out.
    func exemplars(
        matching matchers: [LabelMatcher], from: Int64, to: Int64, skipDamaged: ((BlockError) -> Void)? = nil
    ) throws(BlockError) -> [TimeSeries] {
        var found: [TimeSeries] = []
        for series in try allSeries(skipDamaged: skipDamaged) where series.labels.matches(matchers) {
            let kept = series.exemplars.filter { $0.timestamp >= from && $0.timestamp <= to }
            if !kept.isEmpty { found.append(TimeSeries(labels: series.labels, samples: [], exemplars: kept)) }
        }
        return found
    }

    func allSeries(skipDamaged: ((BlockError) -> Void)? = nil) throws(BlockError) -> [TimeSeries] {
        var series: [TimeSeries] = []
        for (offset, page) in try file.allPages(skipDamaged: skipDamaged) {
            do {
                series += try page.withUnsafeBufferPointer { buffer throws(BatchRecordError) in
                    var reader = ByteReader(buffer)
                    return try ExemplarPart.decodePage(&reader)
                }
            } catch {
                let damage = BlockError(.corrupt, "exemplar page at \(offset): \(error.message) (byte \(error.offset))",
                    path: file.path, offset: offset)
                guard let skipDamaged else { throw damage }
                skipDamaged(damage)
            }
        }
        return series
    }
}

extension ExemplarPartReader: ExemplarSource {
    func exemplars(_ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError) -> [TimeSeries] {
        try withoutActuallyEscaping(skipDamaged) { skip throws(BlockError) in
            try exemplars(matching: request.matchers, from: request.from, to: request.to, skipDamaged: skip)
        }
    }
}
