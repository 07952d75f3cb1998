import LumenModel

/// A parsed block `index` (`docs/format/index.md`): symbols, series with their chunk references, and the
/// postings offset table; postings lists themselves are decoded when a query needs them.
///
/// The whole file is read into memory: an index is small next to its chunks (about a tenth of a byte per
/// sample) and every query consults it, so parsing it once at open beats re-reading it through a mapping.
/// Immutable after `init`, hence `Sendable`.
struct MetricIndexReader: LabelIndex, Sendable {
    typealias Failure = BlockError

    struct Series: Sendable {
        let labels: Labels
        let chunks: [ChunkReference]
    }

    let path: String
    /// The tenant the index was written for (version 2 on).
    let tenant: String?
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
        guard bytes.count >= MetricPart.headerSize + MetricPart.tocSize, Array(bytes[0..<4]) == MetricPart.indexMagic
        else { throw BlockError(.corrupt, "not a Lumen index (bad magic or too short)", path: path, offset: 0) }
        let version = bytes[4]
        guard MetricPart.readableVersions.contains(version) else {
            throw BlockError(.unsupportedVersion, "index format version \(version)", path: path, offset: 4)
        }
        let parsed = try BlockError.reading(bytes, path: path) { file throws(BatchRecordError) in
            try Self.parse(&file, version: version)
        }
        tenant = parsed.tenant
        symbols = parsed.symbols
        series = parsed.series
        table = parsed.table
        postings = Array(bytes[parsed.postings])
        postingsBase = parsed.postings.lowerBound
    }

    /// The sections of a whole index file, each checksummed; postings lists are left in place (`postings` is
    /// where their section's body lies).
    private static func parse(_ file: inout ByteReader, version: UInt8) throws(BatchRecordError) -> (
        tenant: String?, symbols: [String], series: [Series], postings: Range<Int>, table: [String: [(value: String, offset: Int)]]
    ) {
        let tocStart = file.buffer.count - MetricPart.tocSize
        var toc = file.slice(tocStart..<file.buffer.count)
        let offsets = [try toc.fixed64("TOC"), try toc.fixed64("TOC"), try toc.fixed64("TOC"), try toc.fixed64("TOC")]
        let stored = try toc.fixed32("TOC checksum")
        guard CRC32C.checksum(UnsafeBufferPointer(rebasing: file.buffer[tocStart..<tocStart + 32])) == stored else {
            throw file.error("TOC checksum mismatch", at: tocStart)
        }
        func section(_ index: Int) throws(BatchRecordError) -> ByteReader {
            let start = offsets[index]
            guard start >= UInt64(MetricPart.headerSize), start <= UInt64(tocStart - MetricPart.sectionOverhead) else {
                throw file.error("section offset \(start) out of range", at: tocStart + 8 * index)
            }
            var header = file.slice(Int(start)..<tocStart)
            let length = Int(try header.fixed32("section length"))
            guard length <= header.remaining - 4 else {
                throw file.error("section length \(length) overruns the file", at: Int(start))
            }
            let body = Int(start) + 4
            var checksum = file.slice(body + length..<tocStart)
            guard CRC32C.checksum(UnsafeBufferPointer(rebasing: file.buffer[body..<body + length]))
                == (try checksum.fixed32("section checksum"))
            else { throw file.error("section checksum mismatch", at: Int(start)) }
            return file.slice(body..<body + length)
        }

        var reader = try section(0)
        let tenant = version >= 2 ? try reader.string("tenant") : nil
        let symbolCount = try reader.int("symbol count", below: reader.remaining + 1)
        var symbols: [String] = []
        symbols.reserveCapacity(symbolCount)
        for _ in 0..<symbolCount { symbols.append(try reader.string("symbol")) }

        reader = try section(1)
        let seriesCount = try reader.int("series count", below: reader.remaining + 1)
        var series: [Series] = []
        series.reserveCapacity(seriesCount)
        for _ in 0..<seriesCount {
            let labelCount = try reader.int("label count", below: reader.remaining + 1)
            var labels: [Label] = []
            for _ in 0..<labelCount {
                let name = try reader.int("label name reference", below: symbols.count)
                let value = try reader.int("label value reference", below: symbols.count)
                labels.append(Label(symbols[name], symbols[value]))
            }
            let chunkCount = try reader.int("chunk count", below: reader.remaining / 3 + 1)
            var chunks: [ChunkReference] = []
            chunks.reserveCapacity(chunkCount)
            for _ in 0..<chunkCount {
                var minTime = try reader.varint("chunk min time")
                let span = try reader.uvarint("chunk time span")
                var offset = Int(truncatingIfNeeded: try reader.uvarint("chunk offset"))
                if let previous = chunks.last {
                    minTime = previous.maxTime &+ minTime
                    offset = previous.offset &+ offset
                }
                chunks.append(.init(minTime: minTime, maxTime: minTime &+ Int64(bitPattern: span), offset: offset))
            }
            series.append(Series(labels: Labels(labels), chunks: chunks))
        }

        reader = try section(2)
        let postings = reader.base..<reader.base + reader.buffer.count

        reader = try section(3)
        let pairCount = try reader.int("postings table count", below: reader.remaining + 1)
        var table: [String: [(value: String, offset: Int)]] = [:]
        for _ in 0..<pairCount {
            let name = try reader.int("postings name reference", below: symbols.count)
            let value = try reader.int("postings value reference", below: symbols.count)
            let offset = try reader.int("postings offset", below: postings.count)
            table[symbols[name], default: []].append((symbols[value], offset))
        }
        return (tenant, symbols, series, postings, table)
    }

    var count: Int { series.count }

    var labelNames: [String] { table.keys.sorted() }

    /// Values present for `name`, sorted (by UTF-8 bytes, as stored).
    func labelValues(_ name: String) -> [String] { (table[name] ?? []).map(\.value) }

    func postings(_ name: String, where accepts: (String) -> Bool) throws(BlockError) -> [[Int]] {
        var lists: [[Int]] = []
        for entry in table[name] ?? [] where accepts(entry.value) { lists.append(try postingsList(at: entry.offset)) }
        return lists
    }

    /// The sorted series IDs of one postings list.
    func postingsList(at offset: Int) throws(BlockError) -> [Int] {
        let count = series.count
        return try BlockError.reading(postings, path: path, base: postingsBase) { postings throws(BatchRecordError) in
            var reader = postings.slice(offset..<postings.buffer.count)
            let length = try reader.int("postings count", below: min(reader.remaining, count) + 1)
            var ids: [Int] = []
            ids.reserveCapacity(length)
            var id = 0
            for index in 0..<length {
                let start = reader.offset
                let delta = try reader.int("postings delta", below: count + 1)
                id += delta
                guard id < count, index == 0 || delta > 0 else {
                    throw reader.error("postings entry \(id) out of order or range", at: start)
                }
                ids.append(id)
            }
            return ids
        }
    }
}
