import LumenModel

/// A parsed block `index` (`docs/format/index.md`): symbols, series with their chunk references, and the
/// postings offset table; postings lists themselves are decoded when a query needs them.
///
/// The whole file is read into memory: an index is small next to its chunks (about a tenth of a byte per
/// sample) and every query consults it, so parsing it once at open beats re-reading it through a mapping.
/// Immutable after `init`, hence `Sendable`.
struct MetricIndexReader: Sendable {
    struct Series: Sendable {
        let labels: Labels
        let chunks: [MetricIndexWriter.ChunkReference]
    }

    let path: String
    let symbols: [String]
    let series: [Series]
    /// Label name → its values in byte order, each with the offset of its postings list in `postings`.
    let table: [String: [(value: String, offset: Int)]]
    /// The postings section's body.
    private let postings: [UInt8]
    /// Where `postings` starts in the file, for error offsets.
    private let postingsBase: Int

    init(bytes: [UInt8], path: String) throws(BlockError) {
        self.path = path
        var header = ByteCursor(bytes, path: path)
        guard bytes.count >= BlockFormat.headerSize + BlockFormat.tocSize,
            Array(bytes[0..<4]) == BlockFormat.indexMagic
        else { throw header.corrupt("not a Lumen index (bad magic or too short)", at: 0) }
        guard bytes[4] == BlockFormat.version else {
            throw BlockError(.unsupportedVersion, "index format version \(bytes[4])", path: path, offset: 4)
        }
        header.skip(bytes.count - BlockFormat.tocSize)
        let tocStart = header.position
        let offsets = [
            try header.u64("TOC"), try header.u64("TOC"), try header.u64("TOC"), try header.u64("TOC"),
        ]
        let stored = try header.u32("TOC checksum")
        guard CRC32C.checksum(bytes[tocStart..<tocStart + 32]) == stored else {
            throw header.corrupt("TOC checksum mismatch", at: tocStart)
        }
        func section(_ index: Int) throws(BlockError) -> ByteCursor {
            let start = offsets[index]
            guard start >= UInt64(BlockFormat.headerSize), start <= UInt64(tocStart - BlockFormat.sectionOverhead) else {
                throw header.corrupt("section offset \(start) out of range", at: tocStart + 8 * index)
            }
            var cursor = ByteCursor(bytes, path: path, start: Int(start), end: tocStart)
            let length = Int(try cursor.u32("section length"))
            guard length <= cursor.remaining - 4 else {
                throw cursor.corrupt("section length \(length) overruns the file", at: Int(start))
            }
            let body = cursor.position
            var checksum = ByteCursor(bytes, path: path, start: body + length, end: tocStart)
            guard CRC32C.checksum(bytes[body..<body + length]) == (try checksum.u32("section checksum")) else {
                throw cursor.corrupt("section checksum mismatch", at: Int(start))
            }
            return ByteCursor(bytes, path: path, start: body, end: body + length)
        }

        var cursor = try section(0)
        let symbolCount = try cursor.int("symbol count", below: cursor.remaining + 1)
        var symbols: [String] = []
        symbols.reserveCapacity(symbolCount)
        for _ in 0..<symbolCount { symbols.append(try cursor.string("symbol")) }
        self.symbols = symbols

        cursor = try section(1)
        let seriesCount = try cursor.int("series count", below: cursor.remaining + 1)
        var series: [Series] = []
        series.reserveCapacity(seriesCount)
        for _ in 0..<seriesCount {
            let labelCount = try cursor.int("label count", below: cursor.remaining + 1)
            var labels: [Label] = []
            for _ in 0..<labelCount {
                let name = try cursor.int("label name reference", below: symbols.count)
                let value = try cursor.int("label value reference", below: symbols.count)
                labels.append(Label(symbols[name], symbols[value]))
            }
            let chunkCount = try cursor.int("chunk count", below: cursor.remaining / 3 + 1)
            var chunks: [MetricIndexWriter.ChunkReference] = []
            chunks.reserveCapacity(chunkCount)
            for _ in 0..<chunkCount {
                var minTime = try cursor.varint("chunk min time")
                let span = try cursor.uvarint("chunk time span")
                var offset = Int(truncatingIfNeeded: try cursor.uvarint("chunk offset"))
                if let previous = chunks.last {
                    minTime = previous.maxTime &+ minTime
                    offset = previous.offset &+ offset
                }
                chunks.append(.init(minTime: minTime, maxTime: minTime &+ Int64(bitPattern: span), offset: offset))
            }
            series.append(Series(labels: Labels(labels), chunks: chunks))
        }
        self.series = series

        cursor = try section(2)
        postings = Array(bytes[cursor.position..<cursor.end])
        postingsBase = cursor.position

        cursor = try section(3)
        let pairCount = try cursor.int("postings table count", below: cursor.remaining + 1)
        var table: [String: [(value: String, offset: Int)]] = [:]
        for _ in 0..<pairCount {
            let name = try cursor.int("postings name reference", below: symbols.count)
            let value = try cursor.int("postings value reference", below: symbols.count)
            let offset = try cursor.int("postings offset", below: postings.count)
            table[symbols[name], default: []].append((symbols[value], offset))
        }
        self.table = table
    }

    /// The sorted series IDs of one postings list.
    func postingsList(at offset: Int) throws(BlockError) -> [Int] {
        var cursor = ByteCursor(postings, path: path, base: postingsBase, start: offset)
        let count = try cursor.int("postings count", below: min(cursor.remaining, series.count) + 1)
        var ids: [Int] = []
        ids.reserveCapacity(count)
        var id = 0
        for index in 0..<count {
            let start = cursor.position
            let delta = try cursor.int("postings delta", below: series.count + 1)
            id += delta
            guard id < series.count, index == 0 || delta > 0 else {
                throw cursor.corrupt("postings entry \(id) out of order or range", at: start)
            }
            ids.append(id)
        }
        return ids
    }
}
