/// Lines cut at their first spaces into columns (body encoding 3, `docs/format/logs.md`). The date, the time, the
/// level or the verb that lead most log lines each get a column of their own, written one after the other, so the
/// compressor meets like after like: a column of timestamps that climb, one of a few verbs, then the rest of each
/// line. On this machine's dpkg and apt logs that is 13 % smaller than the lines whole at zstd 19, where templates
/// lose to plain lines (docs/BENCHMARKS.md, "Log size and search").
///
/// Layout: the number of leading fields `k` (1 to `maxFields`); one byte a row, how many of its spaces are breaks
/// (its spaces, at most `k`); then column 0 to column `k`, each an entry a row that reaches it, the entry's bytes
/// then a newline. Column `j` holds part `j` of every row with at least `j` breaks; a row's last part is the rest
/// of its line, spaces and all. Lines must hold no newline.
enum LogFieldColumns {
    static let maxFields = 8

    private static let space = UInt8(ascii: " ")
    private static let newline = UInt8(ascii: "\n")

    /// The lines' bytes and the offsets of each one's first `maxFields` spaces: found once, written at any field
    /// count, so the counts a page tries share one pass over its lines.
    struct Split {
        private var lines: [[UInt8]] = []
        private var spaces: [[Int]] = []

        init(_ lines: some Sequence<String>) {
            for line in lines {
                let bytes = Array(line.utf8)
                var found: [Int] = []
                for (offset, byte) in bytes.enumerated() where byte == LogFieldColumns.space {
                    found.append(offset)
                    if found.count == LogFieldColumns.maxFields { break }
                }
                self.lines.append(bytes)
                spaces.append(found)
            }
        }

        /// The most spaces any line has, up to `maxFields`: more fields would split nothing more.
        var mostBreaks: Int { spaces.lazy.map(\.count).max() ?? 0 }

        /// The columns of the lines cut at their first `fields` spaces.
        func write(fields: Int, to out: inout ByteWriter) {
            precondition((1...LogFieldColumns.maxFields).contains(fields))
            out.byte(UInt8(fields))
            for found in spaces { out.byte(UInt8(min(found.count, fields))) }
            for column in 0...fields {
                for (line, found) in zip(lines, spaces) where min(found.count, fields) >= column {
                    let start = column == 0 ? 0 : found[column - 1] + 1
                    let end = column < min(found.count, fields) ? found[column] : line.count
                    out.bytes += line[start..<end]
                    out.byte(LogFieldColumns.newline)
                }
            }
        }
    }

    /// Where each column entry lies in a page, parsed once; the lines themselves are joined only when asked for.
    struct Layout {
        /// Per row, its breaks.
        private let breaks: [Int]
        /// Per entry, column after column: its bounds in the page's body column, and its row.
        private let starts: [Int]
        private let ends: [Int]
        private let entryRows: [Int]
        /// Where column `j`'s entries begin in `starts`.
        private let columnStarts: [Int]

        /// Reads the layout at `column`'s position, and leaves `column` after the last column.
        init(_ column: inout ByteReader, rows: Int) throws(BatchRecordError) {
            let fields = Int(try column.byte("field count"))
            guard (1...maxFields).contains(fields) else {
                throw column.error("field count \(fields) out of 1...\(maxFields)")
            }
            var breaks: [Int] = []
            breaks.reserveCapacity(rows)
            var reaching = [[Int]](repeating: [], count: fields + 1)
            for row in 0..<rows {
                let count = Int(try column.byte("field breaks"))
                guard count <= fields else { throw column.error("\(count) field breaks, over the \(fields) fields") }
                breaks.append(count)
                for part in 0...count { reaching[part].append(row) }
            }
            var starts: [Int] = []
            var ends: [Int] = []
            var entryRows: [Int] = []
            var columnStarts: [Int] = []
            for rowsOfColumn in reaching {
                columnStarts.append(starts.count)
                for row in rowsOfColumn {
                    let start = column.offset
                    guard let end = UnsafeBufferPointer(rebasing: column.buffer[start...]).firstIndex(of: newline) else {
                        throw column.error("a field without its newline")
                    }
                    try column.skip(end + 1)
                    starts.append(start)
                    ends.append(start + end)
                    entryRows.append(row)
                }
            }
            self.breaks = breaks
            self.starts = starts
            self.ends = ends
            self.entryRows = entryRows
            self.columnStarts = columnStarts
        }

        /// The lines, each followed by a newline, as body encoding 1 holds them.
        func join(_ buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            var text: [UInt8] = []
            text.reserveCapacity((ends.last ?? 0) + breaks.count)
            var next = columnStarts
            for count in breaks {
                for part in 0...count {
                    if part > 0 { text.append(space) }
                    text += buffer[starts[next[part]]..<ends[next[part]]]
                    next[part] += 1
                }
                text.append(newline)
            }
            return text
        }

        /// Rows holding every needle, and with `sizes` every row's size, without joining the lines: a needle
        /// without a space lies within one part of a line, so it is looked for in the columns as they are.
        /// `nil` when a needle has a space.
        func search(_ needles: [[UInt8]], in buffer: UnsafeBufferPointer<UInt8>, sizes wantSizes: Bool)
            -> (matches: [Bool], sizes: [Int])?
        {
            guard !needles.contains(where: { $0.contains(space) }) else { return nil }
            var matches = [Bool](repeating: true, count: breaks.count)
            if let base = buffer.baseAddress {
                for needle in needles where !needle.isEmpty {
                    let found = LogBodyColumn.Reader.rowsContaining(
                        needle, base: base, end: ends.last ?? 0, starts: starts, ends: ends)
                    var inRow = [Bool](repeating: false, count: breaks.count)
                    for (entry, hit) in found.enumerated() where hit { inRow[entryRows[entry]] = true }
                    for row in matches.indices { matches[row] = matches[row] && inRow[row] }
                }
            }
            guard wantSizes else { return (matches, []) }
            var sizes = breaks
            for entry in starts.indices { sizes[entryRows[entry]] += ends[entry] - starts[entry] }
            return (matches, sizes)
        }
    }
}
