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
            do throws(BlockError) {
                series += try decode(page, at: offset)
            } catch {
                guard let skipDamaged else { throw error }
                skipDamaged(error)
            }
        }
        return series
    }

    /// Where each page starts, read from the pages' lengths alone (a page's checksum is verified when it is read):
    /// for a merge that reads the file a page at a time (`ExemplarPartMerge`).
    func pageOffsets() throws(BlockError) -> [Int] {
        let data = try BlockFile.map(file.path)
        var offsets: [Int] = []
        var offset = PageFile.headerSize
        while offset < data.count {
            guard let next = ChecksummedRecord.end(of: data, at: offset), next > offset else {
                throw BlockError(.corrupt, "exemplar page length overruns the file", path: file.path, offset: offset)
            }
            offsets.append(offset)
            offset = next
        }
        return offsets
    }

    /// The series of the page at `offset` (one of `pageOffsets()`).
    func series(inPageAt offset: Int) throws(BlockError) -> [TimeSeries] {
        try decode(file.page(at: offset), at: offset)
    }

    private func decode(_ page: [UInt8], at offset: Int) throws(BlockError) -> [TimeSeries] {
        do {
            return try page.withUnsafeBufferPointer { buffer throws(BatchRecordError) in
                var reader = ByteReader(buffer)
                return try ExemplarPart.decodePage(&reader)
            }
        } catch {
            throw BlockError(.corrupt, "exemplar page at \(offset): \(error.message) (byte \(error.offset))",
                path: file.path, offset: offset)
        }
    }
}

extension ExemplarPartReader: ExemplarSource {
    func exemplars(_ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError) -> [TimeSeries] {
        try withoutActuallyEscaping(skipDamaged) { skip throws(BlockError) in
            try exemplars(matching: request.matchers, from: request.from, to: request.to, skipDamaged: skip)
        }
    }
}
