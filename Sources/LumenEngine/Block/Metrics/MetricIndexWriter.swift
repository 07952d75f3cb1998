import LumenModel

/// Builds the bytes of a block's `index` file (`docs/format/index.md`) from series in the order they get
/// their IDs. Pure: no I/O, so the format is tested without files.
struct MetricIndexWriter {
    /// A series and its chunks, in time order.
    struct Series {
        var labels: Labels
        var chunks: [ChunkReference]
    }

    /// `series` must be sorted by labels, without repeats; a series' ID is its position. `tenant` is recorded
    /// at the head of the symbols section, so a block's tenant is not taken from its `meta.json` alone.
    static func build(_ series: [Series], tenant: String) -> [UInt8] {
        var symbolSet = Set<String>()
        for entry in series {
            for label in entry.labels {
                symbolSet.insert(label.name)
                symbolSet.insert(label.value)
            }
        }
        // Sorted by UTF-8 bytes, so the order is the same on every platform and matches `String <` for ASCII.
        let symbols = symbolSet.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var reference: [String: Int] = [:]
        for (index, symbol) in symbols.enumerated() { reference[symbol] = index }

        var bytes = MetricPart.indexMagic + [MetricPart.version, 0, 0, 0]

        let symbolsOffset = bytes.count
        var body: [UInt8] = []
        body.appendString(tenant)
        body.appendUVarint(UInt64(symbols.count))
        for symbol in symbols { body.appendString(symbol) }
        appendSection(body, to: &bytes)

        let seriesOffset = bytes.count
        body = []
        body.appendUVarint(UInt64(series.count))
        var postings: [Label: [Int]] = [:]
        for (id, entry) in series.enumerated() {
            body.appendUVarint(UInt64(entry.labels.count))
            for label in entry.labels {
                body.appendUVarint(UInt64(reference[label.name]!))
                body.appendUVarint(UInt64(reference[label.value]!))
                postings[label, default: []].append(id)
            }
            body.appendUVarint(UInt64(entry.chunks.count))
            var previous: ChunkReference? = nil
            for chunk in entry.chunks {
                if let previous {
                    body.appendVarint(chunk.minTime &- previous.maxTime)
                    body.appendUVarint(UInt64(bitPattern: chunk.maxTime &- chunk.minTime))
                    body.appendUVarint(UInt64(chunk.offset - previous.offset))
                } else {
                    body.appendVarint(chunk.minTime)
                    body.appendUVarint(UInt64(bitPattern: chunk.maxTime &- chunk.minTime))
                    body.appendUVarint(UInt64(chunk.offset))
                }
                previous = chunk
            }
        }
        appendSection(body, to: &bytes)

        // Postings lists in (name, value) order, then the table that finds them.
        let pairs = postings.keys.sorted { lhs, rhs in
            let lhsName = Array(lhs.name.utf8)
            let rhsName = Array(rhs.name.utf8)
            if lhsName != rhsName { return lhsName.lexicographicallyPrecedes(rhsName) }
            return Array(lhs.value.utf8).lexicographicallyPrecedes(Array(rhs.value.utf8))
        }
        let postingsOffset = bytes.count
        body = []
        var table: [UInt8] = []
        table.appendUVarint(UInt64(pairs.count))
        for pair in pairs {
            table.appendUVarint(UInt64(reference[pair.name]!))
            table.appendUVarint(UInt64(reference[pair.value]!))
            table.appendUVarint(UInt64(body.count))
            let ids = postings[pair]!
            body.appendUVarint(UInt64(ids.count))
            var previous = 0
            for id in ids {
                body.appendUVarint(UInt64(id - previous))
                previous = id
            }
        }
        appendSection(body, to: &bytes)
        let tableOffset = bytes.count
        appendSection(table, to: &bytes)

        var toc: [UInt8] = []
        for offset in [symbolsOffset, seriesOffset, postingsOffset, tableOffset] { toc.appendU64(UInt64(offset)) }
        toc.appendU32(CRC32C.checksum(toc))
        return bytes + toc
    }

    /// u32 length, the body, u32 CRC-32C of the body.
    static func appendSection(_ body: [UInt8], to bytes: inout [UInt8]) {
        bytes.appendU32(UInt32(body.count))
        bytes += body
        bytes.appendU32(CRC32C.checksum(body))
    }
}
