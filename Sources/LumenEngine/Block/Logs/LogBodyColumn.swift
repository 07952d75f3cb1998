import CMemmem
import LumenModel

/// The body column of a log page (`docs/format/logs.md`): an encoding byte, then the bodies as tagged values, as
/// lines, as templates and variable columns, or as lines cut into field columns.
enum LogBodyColumn {
    enum Encoding: UInt8 {
        /// Each body a `value`: any kind of body.
        case values = 0
        /// Each body's text then a newline: string bodies without a newline, as the text a file of them holds.
        case lines = 1
        /// Templates and variable columns (`TemplatedBodiesWriter`): string bodies.
        case templates = 2
        /// Lines with their leading fields in columns of their own (`LogFieldColumns`): string bodies without a
        /// newline.
        case fields = 3
    }

    /// The level candidates are compressed at to pick one: fast, and on both benchmark sets it ranks them as
    /// zstd 19 does (docs/BENCHMARKS.md, "Log size and search").
    private static let trialLevel: Int32 = 3
    /// How much of a page's text the field counts are tried on: the choice is made per page, cheaply.
    private static let fieldTrialBytes = 64 << 10

    /// Writes `bodies` in whichever encoding compresses smaller, adding the templates of a templated page to the
    /// part's `table`: templates win on lines of a few shapes with numbers and IDs in them; field columns on lines
    /// whose leading fields (a date, a time, a verb) are alike but whose rest shares little; lines on prose. A
    /// templated page is charged for the templates it adds to the table.
    static func write(_ bodies: [AttributeValue], templates table: inout LogTemplateTable, to out: inout ByteWriter) {
        func writeValues(to out: inout ByteWriter) {
            out.byte(Encoding.values.rawValue)
            for body in bodies { out.value(body) }
        }
        var strings: [String] = []
        strings.reserveCapacity(bodies.count)
        for body in bodies {
            guard case .string(let text) = body else { return writeValues(to: &out) }
            strings.append(text)
        }
        var plain = ByteWriter(capacity: strings.reduce(1) { $0 + $1.utf8.count + 3 })
        if strings.contains(where: { $0.utf8.contains(newline) }) {
            writeValues(to: &plain)
        } else if let fields = fieldCount(strings) {
            plain.byte(Encoding.fields.rawValue)
            LogFieldColumns.Split(strings).write(fields: fields, to: &plain)
        } else {
            writeLines(strings, to: &plain)
        }
        var writer = TemplatedBodiesWriter()
        for text in strings { writer.append(text) }
        var added = LogTemplateTable()
        let indexes = writer.templates.map { table.index(of: $0) ?? table.templates.count + added.add($0) }
        var templated = ByteWriter(capacity: 4096)
        templated.byte(Encoding.templates.rawValue)
        writer.write(to: &templated, indexes: indexes)
        let templatedSize = Zstd.compress(templated.bytes + added.bytes, level: trialLevel).count
        let plainSize = Zstd.compress(plain.bytes, level: trialLevel).count
        guard templatedSize < plainSize else {
            out.bytes += plain.bytes
            return
        }
        for template in added.templates { _ = table.add(template) }
        out.bytes += templated.bytes
    }

    private static let newline = UInt8(ascii: "\n")

    private static func writeLines(_ lines: some Sequence<String>, to out: inout ByteWriter) {
        out.byte(Encoding.lines.rawValue)
        for text in lines {
            out.bytes += text.utf8
            out.byte(newline)
        }
    }

    /// How many leading fields to cut into columns: the count that compresses the page's first lines smallest, or
    /// `nil` when keeping the lines whole does.
    private static func fieldCount(_ lines: [String]) -> Int? {
        var sample: [String] = []
        var sampleBytes = 0
        for line in lines {
            guard sampleBytes < fieldTrialBytes else { break }
            sample.append(line)
            sampleBytes += line.utf8.count + 1
        }
        let split = LogFieldColumns.Split(sample)
        guard split.mostBreaks > 0 else { return nil }
        var whole = ByteWriter(capacity: sampleBytes + 1)
        writeLines(sample, to: &whole)
        var best: (fields: Int?, size: Int) = (nil, Zstd.compress(whole.bytes, level: trialLevel).count)
        for fields in 1...split.mostBreaks {
            var cut = ByteWriter(capacity: sampleBytes + sample.count + 2)
            cut.byte(Encoding.fields.rawValue)
            split.write(fields: fields, to: &cut)
            let size = Zstd.compress(cut.bytes, level: trialLevel).count
            if size < best.size { best = (fields, size) }
        }
        return best.fields
    }

    /// Reads bodies in row order, and searches them all.
    /// Holds pointers into the page: use it only inside the `withUnsafeBufferPointer` that made it.
    struct Reader {
        let encoding: Encoding
        let rows: Int
        private var column: ByteReader
        private var templated: TemplatedBodiesReader?
        /// A field-column page's layout, and once a row is read its lines joined back as encoding 1 holds them:
        /// `column` then reads those.
        private let fieldLayout: LogFieldColumns.Layout?
        private var joined: JoinedLines?
        private var scratch: [UInt8] = []
        /// Where the bodies start in `column`: after the encoding byte, or at 0 in a page of part version 1 and in
        /// joined field columns.
        private let contentsStart: Int

        /// `templates` are the part's, which a templated page needs. A page of part version 1 has no encoding
        /// byte: its bodies are values.
        init(_ column: ByteReader, rows: Int, version: UInt8 = LogPart.version, templates: LogTemplates?)
            throws(BatchRecordError)
        {
            var column = column
            let byte = version == 1 ? Encoding.values.rawValue : try column.byte("body encoding")
            guard let encoding = Encoding(rawValue: byte) else { throw column.error("unknown body encoding \(byte)") }
            self.encoding = encoding
            self.rows = rows
            var templated: TemplatedBodiesReader?
            var fieldLayout: LogFieldColumns.Layout?
            switch encoding {
            case .templates:
                guard let templates else { throw column.error("a templated page without its part's templates") }
                templated = try TemplatedBodiesReader(column, rows: rows, templates: templates)
            case .fields:
                var layout = column
                fieldLayout = try LogFieldColumns.Layout(&layout, rows: rows)
            case .values, .lines:
                break
            }
            self.templated = templated
            self.fieldLayout = fieldLayout
            joined = nil
            contentsStart = version == 1 || encoding == .fields ? 0 : 1
            self.column = column
        }

        /// Joins a field-column page's lines, once, and points `column` at them.
        private mutating func joinFields() {
            guard joined == nil, let fieldLayout else { return }
            let lines = JoinedLines(fieldLayout.join(column.buffer))
            joined = lines
            column = ByteReader(UnsafeBufferPointer(lines.buffer))
        }

        /// The next row's body.
        mutating func next() throws(BatchRecordError) -> AttributeValue {
            switch encoding {
            case .values:
                return try column.value(depth: 0)
            case .lines, .fields:
                joinFields()
                let line = try nextLine()
                return .string(String(decoding: line, as: UTF8.self))
            case .templates:
                scratch.removeAll(keepingCapacity: true)
                try templated!.next(into: &scratch)
                return .string(String(decoding: scratch, as: UTF8.self))
            }
        }

        /// Steps over the next row's body.
        mutating func skip() throws(BatchRecordError) {
            switch encoding {
            case .values:
                try column.skipValue()
            case .lines, .fields:
                joinFields()
                _ = try nextLine()
            case .templates:
                try templated!.skip()
            }
        }

        private mutating func nextLine() throws(BatchRecordError) -> UnsafeBufferPointer<UInt8> {
            let start = column.offset
            let rest = UnsafeBufferPointer(rebasing: column.buffer[start...])
            guard let end = rest.firstIndex(of: newline) else { throw column.error("a line without its newline") }
            try column.skip(end + 1)
            return UnsafeBufferPointer(rebasing: rest[..<end])
        }

        /// Which rows' bodies hold every string of `filter`, and with `sizes` the size in bytes of each that
        /// does, as a line (0 for the others; empty without `sizes`). Reads the column from its start, whatever
        /// has been read with `next`.
        mutating func search(_ filter: LogLineFilter, sizes wantSizes: Bool = true) throws(BatchRecordError)
            -> (matches: [Bool], sizes: [Int])
        {
            if templated != nil { return try templated!.search(filter, sizes: wantSizes) }
            let needles = filter.needles
            if joined == nil, let fieldLayout {
                if let found = fieldLayout.search(needles, in: column.buffer, sizes: wantSizes) { return found }
                joinFields()
            }
            var reader = ByteReader(
                UnsafeBufferPointer(rebasing: column.buffer[contentsStart...]), base: column.base + contentsStart)
            var starts: [Int] = []
            var ends: [Int] = []
            starts.reserveCapacity(rows)
            ends.reserveCapacity(rows)
            var matches = [Bool](repeating: true, count: rows)
            var isString = [Bool](repeating: true, count: rows)
            var sizes: [Int] = []
            sizes.reserveCapacity(rows)
            for row in 0..<rows {
                let before = reader.offset
                if encoding == .lines || encoding == .fields {
                    let rest = UnsafeBufferPointer(rebasing: reader.buffer[before...])
                    guard let end = rest.firstIndex(of: newline) else { throw reader.error("a line without its newline") }
                    try reader.skip(end + 1)
                    starts.append(before)
                    ends.append(before + end)
                    sizes.append(end)
                } else if let line = try reader.stringValueBytes() {
                    let start = reader.offset - line.count
                    starts.append(start)
                    ends.append(start + line.count)
                    sizes.append(line.count)
                } else {
                    let text = try reader.value(depth: 0).text
                    matches[row] = needles.allSatisfy { LineSearch.contains(text, $0) }
                    isString[row] = false
                    starts.append(before)  // an empty range, so that `ends` stays in order for the search below
                    ends.append(before)
                    sizes.append(text.utf8.count)
                }
            }
            if !wantSizes { sizes = [] }
            guard let base = reader.buffer.baseAddress else { return (matches, sizes) }
            let end = reader.offset
            for needle in needles where !needle.isEmpty {
                let found = Self.rowsContaining(needle, base: base, end: end, starts: starts, ends: ends)
                for row in 0..<rows where isString[row] { matches[row] = matches[row] && found[row] }
            }
            return (matches, sizes)
        }

        /// Text bodies are searched a needle at a time over the whole column with `memmem`, not line by line:
        /// each occurrence is mapped to the row it lies in (one straddling two rows is no match), and the rest of
        /// that row is skipped. A rare word then costs one vectorised pass over the page's text.
        static func rowsContaining(
            _ needle: [UInt8], base: UnsafePointer<UInt8>, end: Int, starts: [Int], ends: [Int]
        ) -> [Bool] {
            let rows = starts.count
            var found = [Bool](repeating: false, count: rows)
            var position = 0
            var row = 0
            needle.withUnsafeBufferPointer { needle in
                while position < end, let hit = memmem(base + position, end - position, needle.baseAddress!, needle.count) {
                    let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                    while row < rows, ends[row] < at + needle.count { row += 1 }
                    guard row < rows else { break }
                    if starts[row] <= at {
                        found[row] = true
                        position = ends[row]
                    } else {
                        position = at + 1
                    }
                }
            }
            return found
        }
    }

    /// Memory the reader's `column` can point into for as long as any copy of the reader lives.
    private final class JoinedLines {
        let buffer: UnsafeMutableBufferPointer<UInt8>

        init(_ bytes: [UInt8]) {
            buffer = .allocate(capacity: bytes.count)
            _ = buffer.initialize(from: bytes)
        }

        deinit { buffer.deallocate() }
    }
}
