import LumenModel

/// Writes a page's string bodies as templates and variable columns (`docs/format/logs.md`, "Templated bodies").
///
/// Each line's template (its text, with a placeholder per variable) is kept once per block part
/// (`LogTemplateTable`); the page lists the templates its rows use, and a row keeps its template's place in that
/// list. The k-th integer of every line goes to integer column k, whatever its template, and so on for hex and
/// strings: the timestamp fields every line starts with line up in the same columns, where deltas from one line
/// to the next are tiny.
struct TemplatedBodiesWriter: LogTemplate.Sink {
    /// How an integer column is stored.
    enum IntegerCoding: UInt8 {
        case raw = 0, delta = 1
    }

    /// The page's templates in order of first use, in their written form.
    private(set) var templates: [[UInt8]] = []
    private var templateIndex: [[UInt8]: Int] = [:]
    private var rowTemplates: [UInt64] = []
    private var integers: [[UInt64]] = []
    private var zeros: [[UInt8]] = []
    private var hexes: [[UInt8]] = []
    private var strings: [ByteWriter] = []
    /// The template of the line being extracted, in its written form, and its variables' positions so far.
    private var template = ByteWriter(capacity: 256)
    private var lineIntegers = 0
    private var lineHexes = 0
    private var lineStrings = 0

    mutating func append(_ line: String) {
        template.bytes.removeAll(keepingCapacity: true)
        lineIntegers = 0
        lineHexes = 0
        lineStrings = 0
        var line = line
        line.withUTF8 { LogTemplate.extract($0, into: &self) }
        if let index = templateIndex[template.bytes] {
            rowTemplates.append(UInt64(index))
        } else {
            templateIndex[template.bytes] = templates.count
            rowTemplates.append(UInt64(templates.count))
            templates.append(template.bytes)
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        template.byte(LogTemplate.Kind.text.rawValue)
        template.count(bytes.count)
        template.bytes.append(contentsOf: bytes)
    }

    mutating func integer(_ value: UInt64, zeros count: UInt8) {
        template.byte(LogTemplate.Kind.integer.rawValue)
        if lineIntegers == integers.count {
            integers.append([])
            zeros.append([])
        }
        integers[lineIntegers].append(value)
        zeros[lineIntegers].append(count)
        lineIntegers += 1
    }

    mutating func hex(_ digits: UnsafeBufferPointer<UInt8>) {
        template.byte(LogTemplate.Kind.hex.rawValue)
        template.count(digits.count / 2)
        if lineHexes == hexes.count { hexes.append([]) }
        for pair in stride(from: 0, to: digits.count, by: 2) {
            // Extraction took only lowercase hex digits for this variable.
            hexes[lineHexes].append(HexCoding.nibble(digits[pair])! << 4 | HexCoding.nibble(digits[pair + 1])!)
        }
        lineHexes += 1
    }

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) {
        template.byte(LogTemplate.Kind.string.rawValue)
        if lineStrings == strings.count { strings.append(ByteWriter(capacity: 1024)) }
        strings[lineStrings].count(bytes.count)
        strings[lineStrings].bytes.append(contentsOf: bytes)
        lineStrings += 1
    }

    /// The column's bytes after its encoding byte; `indexes` are the page's templates' places in the part's table.
    func write(to out: inout ByteWriter, indexes: [Int]) {
        out.count(indexes.count)
        for index in indexes { out.count(index) }
        BytePlanes.write(rowTemplates, to: &out)
        out.count(integers.count)
        for (values, zeros) in zip(integers, zeros) {
            Self.writeIntegers(values, to: &out)
            let padded = zeros.contains { $0 != 0 }
            out.byte(padded ? 1 : 0)
            if padded { out.bytes += zeros }
        }
        out.count(hexes.count)
        for column in hexes { out.blob(column) }
        out.count(strings.count)
        for column in strings { out.blob(column.bytes) }
    }

    /// An integer column as planes of its values, or of the zig-zag deltas between neighbours where those take
    /// fewer significant bits in all (counters, clocks, anything that moves slowly from line to line).
    private static func writeIntegers(_ values: [UInt64], to out: inout ByteWriter) {
        var previous: UInt64 = 0
        var deltas: [UInt64] = []
        deltas.reserveCapacity(values.count)
        var rawBits = 0
        var deltaBits = 0
        for value in values {
            let delta = ZigZag.encode(Int64(bitPattern: value &- previous))
            deltas.append(delta)
            rawBits += UInt64.bitWidth - value.leadingZeroBitCount
            deltaBits += UInt64.bitWidth - delta.leadingZeroBitCount
            previous = value
        }
        let coding: IntegerCoding = deltaBits < rawBits ? .delta : .raw
        out.byte(coding.rawValue)
        BytePlanes.write(coding == .delta ? deltas : values, to: &out)
    }
}
