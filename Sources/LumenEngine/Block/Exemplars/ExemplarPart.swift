import LumenModel

/// A block's exemplars, mirroring `docs/format/blocks.md` ("Exemplars"): one page file, `exemplars`, of
/// compressed pages of series with their exemplars, in label order. No index: a block holds few exemplars
/// beside its samples (at most `MetricHead.maxExemplarsPerSeries` a series per head cut), so a query decodes
/// the pages whole and matches each series' labels.
public enum ExemplarPart {
    /// `LEXM`: first bytes of the page file.
    static let magic: [UInt8] = Array("LEXM".utf8)
    /// A page is cut after the series that brings it to this many exemplars.
    static let maxExemplarsPerPage = 4096

    public struct Statistics: Codable, Hashable, Sendable {
        public var series = 0
        public var exemplars = 0
    }

    /// Writes `series` as the exemplar file at `path`, which must not exist, each page appended as it is cut
    /// (`PageFile.FileWriter`, as the merge writes it), and returns its statistics.
    static func write(_ series: [(labels: Labels, exemplars: [Exemplar])], level: Int32, to path: String)
        throws(BlockError) -> Statistics
    {
        let file = try PageFile.FileWriter(path: path, magic: magic, level: level)
        var pages = Pages()
        for entry in series.sorted(by: { $0.labels < $1.labels }) {
            if let page = pages.add(entry.labels, entry.exemplars.sorted { $0.timestamp < $1.timestamp }) {
                _ = try file.append(page)
            }
        }
        if let page = pages.finish() { _ = try file.append(page) }
        try file.finish()
        return pages.statistics
    }

    /// Cuts series, given in label order, into pages: a page ends with the series that brings it to
    /// `maxExemplarsPerPage` exemplars. Holds one page's series.
    struct Pages {
        private var page: [(labels: Labels, exemplars: [Exemplar])] = []
        private var pageExemplars = 0
        private(set) var statistics = Statistics()

        /// Adds a series, its exemplars in time order (none: it is left out); returns a page's bytes when it is full.
        mutating func add(_ labels: Labels, _ exemplars: [Exemplar]) -> [UInt8]? {
            guard !exemplars.isEmpty else { return nil }
            page.append((labels, exemplars))
            pageExemplars += exemplars.count
            statistics.series += 1
            statistics.exemplars += exemplars.count
            return pageExemplars >= maxExemplarsPerPage ? finish() : nil
        }

        /// The bytes of the page begun, if it holds a series.
        mutating func finish() -> [UInt8]? {
            guard !page.isEmpty else { return nil }
            defer {
                page.removeAll()
                pageExemplars = 0
            }
            return encodePage(page)
        }
    }

    /// `count series*`; a series is its labels then `count exemplar*`, each exemplar its time (difference from
    /// the previous one in the series, the first from 0), value bits and labels.
    static func encodePage(_ series: [(labels: Labels, exemplars: [Exemplar])]) -> [UInt8] {
        var out = ByteWriter(capacity: 64 * series.count)
        out.count(series.count)
        for entry in series {
            out.labels(entry.labels)
            out.count(entry.exemplars.count)
            var previous: Int64 = 0
            for exemplar in entry.exemplars {
                out.varint(exemplar.timestamp &- previous)
                previous = exemplar.timestamp
                out.fixed64(exemplar.value.bitPattern)
                out.labels(exemplar.labels)
            }
        }
        return out.bytes
    }

    static func decodePage(_ reader: inout ByteReader) throws(BatchRecordError) -> [TimeSeries] {
        var series: [TimeSeries] = []
        for _ in 0..<(try reader.count("series", minimumSize: 2)) {
            let labels = try reader.labels()
            var exemplars: [Exemplar] = []
            var previous: Int64 = 0
            for _ in 0..<(try reader.count("exemplar", minimumSize: 10)) {
                previous &+= try reader.varint("exemplar time")
                let value = Double(bitPattern: try reader.fixed64("exemplar value"))
                exemplars.append(Exemplar(labels: try reader.labels(), timestamp: previous, value: value))
            }
            series.append(TimeSeries(labels: labels, samples: [], exemplars: exemplars))
        }
        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) trailing bytes after the page") }
        return series
    }
}
