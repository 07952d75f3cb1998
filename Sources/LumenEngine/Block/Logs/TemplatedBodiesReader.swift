import LumenModel

/// Reads a page's templated bodies (`TemplatedBodiesWriter`, `docs/format/logs.md`): renders lines back, measures
/// them, and answers `|=` searches from the part's templates where it can.
///
/// The page's template list and row → template column are read at `init`; the variable columns only once a line
/// has to be rendered or measured, so counting the lines that hold a word of a template's text reads no variable.
/// Every column's length is checked against what the templates and rows call for before it is used, so walking
/// the rows cannot leave a column. Holds pointers into the page: use it only while the page lives.
struct TemplatedBodiesReader {
    private let table: LogTemplates
    /// Each row's template, as its index in the part's table.
    private let rowTemplates: [Int]
    private let walk: Walk
    /// Per column, the values or bytes the rows use in all.
    private let uses: (integers: [Int], hexBytes: [Int], strings: [Int])
    /// The variable columns, read by `variables()` on first need.
    private let variableBytes: ByteReader
    private var loaded: Variables?
    /// For reading rows in order (`next`, `skip`): the next row, and where its variables are in each column
    /// (integer columns first, then hex as a byte offset, then strings).
    private var row = 0
    private var positions: [Int]

    /// The table's facts that walking rows reads, held here so that the walk retains nothing, and where each
    /// kind's columns start among a row's positions (integers first, then hex as byte offsets, then strings).
    private struct Walk {
        let integerCounts: [Int]
        let stringCounts: [Int]
        let fixedLengths: [Int]
        let hexStarts: [Int]
        let hexBytes: [Int]
        let hexBase: Int
        let stringBase: Int

        init(table: LogTemplates, hexBase: Int, stringBase: Int) {
            integerCounts = table.integerCounts
            stringCounts = table.stringCounts
            fixedLengths = table.fixedLengths
            hexStarts = table.hexStarts
            hexBytes = table.hexBytes
            self.hexBase = hexBase
            self.stringBase = stringBase
        }

        /// Moves `positions` past a row with template `template`: the k-th variable of a kind moves column k on.
        @inline(__always)
        func advance(_ positions: UnsafeMutableBufferPointer<Int>, past template: Int) {
            for k in 0..<integerCounts[template] { positions[k] += 1 }
            for (k, bytes) in hexBytes[hexStarts[template]..<hexStarts[template + 1]].enumerated() {
                positions[hexBase + k] += bytes
            }
            for k in 0..<stringCounts[template] { positions[stringBase + k] += 1 }
        }
    }

    private struct Variables {
        var integers: [[UInt64]] = []
        var zeros: [UnsafeBufferPointer<UInt8>?] = []
        var hexes: [UnsafeBufferPointer<UInt8>] = []
        var strings: [[UnsafeBufferPointer<UInt8>]] = []
    }

    /// Reads the page's template list and the row → template column; the variable columns must fill the rest of
    /// `column`.
    init(_ column: ByteReader, rows: Int, templates table: LogTemplates) throws(BatchRecordError) {
        var column = column
        var used: [Int] = []
        for _ in 0..<(try column.count("page template")) {
            let index = try column.int("template index")
            guard index < table.count else { throw column.error("template \(index) of a table of \(table.count)") }
            used.append(index)
        }
        let local = try BytePlanes.Reader(prefixOf: &column, count: rows).values()
        var rowTemplates: [Int] = []
        rowTemplates.reserveCapacity(rows)
        var rowsOf = [Int](repeating: 0, count: used.count)
        for (row, index) in local.enumerated() {
            guard index < used.count else { throw column.error("row \(row) names template \(index) of \(used.count)") }
            rowsOf[Int(index)] += 1
            rowTemplates.append(used[Int(index)])
        }
        var uses = (integers: [Int](), hexBytes: [Int](), strings: [Int]())
        func use(_ amount: Int, column k: Int, of uses: inout [Int]) {
            while uses.count <= k { uses.append(0) }
            uses[k] += amount
        }
        for (template, rows) in zip(used, rowsOf) where rows > 0 {
            for k in 0..<table.integerCounts[template] { use(rows, column: k, of: &uses.integers) }
            for (k, bytes) in table.hexBytes[table.hexStarts[template]..<table.hexStarts[template + 1]].enumerated() {
                use(rows * bytes, column: k, of: &uses.hexBytes)
            }
            for k in 0..<table.stringCounts[template] { use(rows, column: k, of: &uses.strings) }
        }
        self.table = table
        self.rowTemplates = rowTemplates
        walk = Walk(table: table, hexBase: uses.integers.count, stringBase: uses.integers.count + uses.hexBytes.count)
        self.uses = uses
        variableBytes = ByteReader(UnsafeBufferPointer(rebasing: column.buffer[column.offset...]),
            base: column.base + column.offset)
        positions = Array(repeating: 0, count: uses.integers.count + uses.hexBytes.count + uses.strings.count)
    }

    /// The variable columns, read and checked the first time.
    private mutating func variables() throws(BatchRecordError) -> Variables {
        if let loaded { return loaded }
        var column = variableBytes
        var variables = Variables()
        let integerColumns = try column.count("integer column", minimumSize: 2)
        guard integerColumns == uses.integers.count else {
            throw column.error("\(integerColumns) integer columns where the templates use \(uses.integers.count)")
        }
        for count in uses.integers {
            let coding = TemplatedBodiesWriter.IntegerCoding(rawValue: try column.byte("integer coding"))
            guard let coding else { throw column.error("unknown integer coding") }
            var values = try BytePlanes.Reader(prefixOf: &column, count: count).values()
            if coding == .delta {
                var previous: UInt64 = 0
                for index in values.indices {
                    previous &+= UInt64(bitPattern: ZigZag.decode(values[index]))
                    values[index] = previous
                }
            }
            variables.integers.append(values)
            let padded = try column.byte("zeros flag")
            guard padded <= 1 else { throw column.error("zeros flag \(padded) is neither 0 nor 1") }
            variables.zeros.append(padded == 1 ? try Self.bytes(count, of: &column) : nil)
        }
        let hexColumns = try column.count("hex column")
        guard hexColumns == uses.hexBytes.count else {
            throw column.error("\(hexColumns) hex columns where the templates use \(uses.hexBytes.count)")
        }
        for bytes in uses.hexBytes {
            let length = try column.count("hex column length", minimumSize: 0)
            guard length == bytes else { throw column.error("hex column of \(length) bytes, not \(bytes)") }
            variables.hexes.append(try Self.bytes(length, of: &column))
        }
        let stringColumns = try column.count("string column")
        guard stringColumns == uses.strings.count else {
            throw column.error("\(stringColumns) string columns where the templates use \(uses.strings.count)")
        }
        for count in uses.strings {
            let length = try column.count("string column length", minimumSize: 0)
            let start = column.offset
            var reader = ByteReader(try Self.bytes(length, of: &column), base: column.base + start)
            var values: [UnsafeBufferPointer<UInt8>] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try Self.bytes(try reader.count("string variable"), of: &reader)) }
            guard reader.isAtEnd else { throw reader.error("string column longer than its \(count) values") }
            variables.strings.append(values)
        }
        guard column.isAtEnd else { throw column.error("bytes after the templated bodies") }
        loaded = variables
        return variables
    }

    /// The next row's line, appended to `line`.
    mutating func next(into line: inout [UInt8]) throws(BatchRecordError) {
        guard row < rowTemplates.count else { throw variableBytes.error("more bodies read than rows") }
        let variables = try variables()
        let template = rowTemplates[row]
        positions.withUnsafeBufferPointer { render(template, variables, at: $0, into: &line) }
        try skip()
    }

    /// Steps over the next row.
    mutating func skip() throws(BatchRecordError) {
        guard row < rowTemplates.count else { throw variableBytes.error("more bodies read than rows") }
        let template = rowTemplates[row]
        positions.withUnsafeMutableBufferPointer { walk.advance($0, past: template) }
        row += 1
    }

    private func render(
        _ template: Int, _ variables: Variables, at positions: UnsafeBufferPointer<Int>, into line: inout [UInt8]
    ) {
        var (integer, hex, string) = (0, 0, 0)
        table.forEachPart(of: template) { part in
            switch part {
            case .text(let text):
                line.append(contentsOf: text)
            case .integer:
                appendInteger(integer, variables, at: positions[integer], to: &line)
                integer += 1
            case .hex(let bytes):
                let offset = positions[walk.hexBase + hex]
                HexCoding.append(variables.hexes[hex][offset..<offset + bytes], to: &line)
                hex += 1
            case .string:
                line.append(contentsOf: variables.strings[string][positions[walk.stringBase + string]])
                string += 1
            }
        }
    }

    /// The k-th integer column's value at `index` as a line shows it: leading zeros, then decimal digits.
    private func appendInteger(_ k: Int, _ variables: Variables, at index: Int, to line: inout [UInt8]) {
        if let zeros = variables.zeros[k] {
            line.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: Int(zeros[index])))
        }
        Self.appendDecimal(variables.integers[k][index], to: &line)
    }

    /// The size in bytes of a row's line, without rendering it.
    @inline(__always)
    private func size(_ template: Int, _ variables: Variables, at positions: UnsafeMutableBufferPointer<Int>) -> Int {
        var size = walk.fixedLengths[template]
        for k in 0..<walk.integerCounts[template] {
            let index = positions[k]
            size += LogTemplate.decimalDigits(variables.integers[k][index]) + Int(variables.zeros[k]?[index] ?? 0)
        }
        for k in 0..<walk.stringCounts[template] {
            size += variables.strings[k][positions[walk.stringBase + k]].count
        }
        return size
    }

    /// Which rows hold every string of `filter` (made with this page's part's templates), and with `sizes` the
    /// size of each that does (0 for the others; empty without `sizes`).
    ///
    /// Judged a template at a time where a needle lies in its text or cannot reach its variables; only the rows
    /// of the other templates are rendered and searched. Without `sizes` and rows to render, no variable is read.
    mutating func search(_ filter: LogLineFilter, sizes wantSizes: Bool) throws(BatchRecordError)
        -> (matches: [Bool], sizes: [Int])
    {
        let rows = rowTemplates.count
        guard wantSizes || filter.looksAtRows else {
            return (rowTemplates.map { filter.isEmpty || filter.summaries[$0] == .always }, [])
        }
        let variables = try variables()
        var matches = [Bool](repeating: false, count: rows)
        var sizes = [Int](repeating: 0, count: wantSizes ? rows : 0)
        var positions = [Int](repeating: 0, count: positions.count)
        var line: [UInt8] = []
        var digits: [UInt8] = []
        positions.withUnsafeMutableBufferPointer { positions in
            for row in 0..<rows {
                let template = rowTemplates[row]
                switch filter.isEmpty ? .always : filter.summaries[template] {
                case .never:
                    break
                case .always:
                    matches[row] = true
                default:
                    // A variable is compared as its digits; the line is rendered only for a needle that needs it.
                    line.removeAll(keepingCapacity: true)
                    matches[row] = filter.needles.indices.allSatisfy { needle in
                        switch filter.verdict(template: template, needle: needle) {
                        case .always:
                            return true
                        case .never:
                            return false
                        case .variables(let candidates):
                            return candidates.contains { candidate in
                                digits.removeAll(keepingCapacity: true)
                                switch candidate.variable {
                                case .integer(let k):
                                    appendInteger(k, variables, at: positions[k], to: &digits)
                                case .hex(let k, let bytes):
                                    let offset = positions[walk.hexBase + k]
                                    HexCoding.append(variables.hexes[k][offset..<offset + bytes], to: &digits)
                                }
                                return digits.withUnsafeBufferPointer(candidate.holds)
                            }
                        case .check:
                            if line.isEmpty { render(template, variables, at: UnsafeBufferPointer(positions), into: &line) }
                            return line.withUnsafeBufferPointer { LineSearch.contains($0, filter.needles[needle]) }
                        }
                    }
                }
                if wantSizes, matches[row] { sizes[row] = size(template, variables, at: positions) }
                walk.advance(positions, past: template)
            }
        }
        return (matches, sizes)
    }

    private static func bytes(_ count: Int, of reader: inout ByteReader) throws(BatchRecordError)
        -> UnsafeBufferPointer<UInt8>
    {
        let start = reader.offset
        try reader.skip(count)
        return UnsafeBufferPointer(rebasing: reader.buffer[start..<start + count])
    }

    private static func appendDecimal(_ value: UInt64, to line: inout [UInt8]) {
        let digits = LogTemplate.decimalDigits(value)
        let end = line.count + digits
        line.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var rest = value
        var position = end - 1
        repeat {
            line[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        } while rest > 0
    }
}
