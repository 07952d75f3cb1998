/// A page as columns: each column written by its own `ByteWriter`, then laid end to end with their lengths, so
/// the page's compressor sees like next to like (all times, then all trace IDs, then all bodies …).
///
/// ```
/// uvarint rows · uvarint columns · (uvarint length · bytes) per column
/// ```
struct ColumnPageWriter {
    var columns: [ByteWriter]

    init(columns: Int) {
        self.columns = Array(repeating: ByteWriter(capacity: 4096), count: columns)
    }

    func bytes(rows: Int) -> [UInt8] {
        var out = ByteWriter(capacity: columns.reduce(16) { $0 + $1.bytes.count + 5 })
        out.count(rows)
        out.count(columns.count)
        for column in columns { out.blob(column.bytes) }
        return out.bytes
    }
}

/// Reads a page written by `ColumnPageWriter`: a reader per column over the same buffer.
/// Holds pointers into `buffer`: use it only inside the `withUnsafeBufferPointer` that made it.
struct ColumnPageReader {
    let rows: Int
    var columns: [ByteReader]

    /// Reads the header and the columns' bounds; a page whose column count is outside `expected` is refused.
    init(_ buffer: UnsafeBufferPointer<UInt8>, columns expected: some RangeExpression<Int>) throws(BatchRecordError) {
        var header = ByteReader(buffer)
        rows = try header.count("rows", minimumSize: 0)
        let count = try header.count("columns")
        guard expected.contains(count) else {
            throw header.error("page has \(count) columns, not the \(expected) expected")
        }
        columns = []
        for _ in 0..<count {
            let length = try header.count("column length")
            let start = header.offset
            columns.append(ByteReader(UnsafeBufferPointer(rebasing: buffer[start..<start + length]), base: start))
            try header.skip(length)
        }
        guard rows <= buffer.count * 8 else { throw header.error("row count \(rows) is impossible for the page") }
    }
}
