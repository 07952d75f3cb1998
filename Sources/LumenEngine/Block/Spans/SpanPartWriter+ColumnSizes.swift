import LumenModel

extension SpanPartWriter {
    /// Where the bytes of `spans`' part go, for `lumen bench span-block`: every page's tables and columns, each
    /// compressed alone against the part's dictionary, summed by column (`attributeValues`: the columns of the
    /// attribute keys, together). A column alone costs a little more than inside its page, whose zstd frame it
    /// shares: this is a breakdown, the part's size is what the part costs.
    public static func columnSizes(_ spans: [Span], level: Int32) -> [String: Int] {
        var sizes: [String: Int] = [:]
        var dictionary: [UInt8]?
        for page in pages(of: spans) {
            let (tables, columns) = SpanPage.columns(of: page)
            if dictionary == nil { dictionary = tables.bytes }
            var parts = ["tables": tables.bytes]
            for (number, column) in columns.columns.enumerated() {
                let name = SpanPage.Column(rawValue: number).map { "\($0)" } ?? "attributeValues"
                parts[name, default: []] += column.bytes
            }
            for (name, bytes) in parts {
                sizes[name, default: 0] += Zstd.compress(bytes, level: level, dictionary: dictionary!).count
            }
        }
        return sizes
    }
}
