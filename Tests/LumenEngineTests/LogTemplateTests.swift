import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Templated log bodies (`docs/format/logs.md`, "Templated bodies"): every line comes back byte for byte, its size
/// is known without rendering it, and a search over templates finds exactly the lines a plain search finds.
struct LogTemplateTests {
    /// Lines that probe every rule of extraction: leading zeros, the integer and hex limits, mixed words, IDs,
    /// text that is all digits or has none, UTF-8, empty lines.
    static let tricky: [String] = [
        "2025-11-21T00:07:05.009Z INFO cart trace_id=0af7651916cd43dd8448eb211c80319c GET /api/cart/42 200 3ms",
        "2025-11-21T10:59:59.999Z WARN cart trace_id=00000000000000000000000000000000 timeout after 3000ms",
        "0", "00", "000", "007", "10", "100", "", " ", "  two  spaces  ",
        "123456789012345678", "1234567890123456789", "99999999999999999999", "18446744073709551615",
        "deadbeef", "deadbeef1", "deadbeef12", "DEADBEEF12", "abcdef0123", "0123456789abcdef0123456789abcdef",
        "uuid 550e8400-e29b-41d4-a716-446655440000 done", "ip 10.0.255.1:8080", "v2 v2.0.1 r2d2 a1b2c3 x7Gh2Qz9",
        "price=12.50 EUR weight=3kg took 21T00", "status=500 error_code=E4012 retry_in=05s",
        "héllo wörld 42 ✓ 日本 7", "tab\tseparated\t12\tvalues", "word", "_under_score_9_",
        String(repeating: "ab12", count: 200), String(repeating: "f0", count: 300),
    ]

    /// A templated body column of `lines` and the part's template table it refers to.
    static func templated(_ lines: [String]) -> (column: [UInt8], table: [UInt8]) {
        var writer = TemplatedBodiesWriter()
        for line in lines { writer.append(line) }
        var table = LogTemplateTable()
        let indexes = writer.templates.map { table.add($0) }
        var out = ByteWriter()
        out.byte(LogBodyColumn.Encoding.templates.rawValue)
        writer.write(to: &out, indexes: indexes)
        return (out.bytes, table.bytes)
    }

    private struct Templated {
        let column: [UInt8]
        let templates: LogTemplates

        init(_ lines: [String]) throws {
            let (column, table) = LogTemplateTests.templated(lines)
            self.column = column
            templates = try LogTemplates(table)
        }

        func filter(_ needles: [String]) -> LogLineFilter {
            LogLineFilter(needles.map { Array($0.utf8) }, templates: templates)
        }
    }

    private func read<T>(
        _ column: [UInt8], templates: LogTemplates, rows: Int, _ body: (inout LogBodyColumn.Reader) throws -> T
    ) throws -> T {
        try column.withUnsafeBufferPointer { buffer in
            var reader = try LogBodyColumn.Reader(ByteReader(buffer), rows: rows, templates: templates)
            return try body(&reader)
        }
    }

    private func read<T>(_ page: Templated, rows: Int, _ body: (inout LogBodyColumn.Reader) throws -> T) throws -> T {
        try read(page.column, templates: page.templates, rows: rows, body)
    }

    @Test func everyLineComesBackByteForByteWithItsSize() throws {
        let page = try Templated(Self.tricky)
        let (lines, sizes) = try read(page, rows: Self.tricky.count) { reader in
            #expect(reader.encoding == .templates)
            let sizes = try reader.search(.none).sizes
            return (try Self.tricky.indices.map { _ in try reader.next() }, sizes)
        }
        #expect(lines == Self.tricky.map { .string($0) })
        #expect(sizes == Self.tricky.map(\.utf8.count))
    }

    @Test func skippedRowsLeaveTheNextOnesIntact() throws {
        let page = try Templated(Self.tricky)
        let kept = try read(page, rows: Self.tricky.count) { reader in
            try Self.tricky.indices.compactMap { row -> AttributeValue? in
                if row % 3 == 1 { return try reader.next() }
                try reader.skip()
                return nil
            }
        }
        #expect(kept == Self.tricky.indices.filter { $0 % 3 == 1 }.map { .string(Self.tricky[$0]) })
    }

    @Test func aSearchOverTemplatesFindsWhatAPlainSearchFinds() throws {
        var lines = Self.tricky
        var generator = SystemRandomNumberGenerator()
        for number in 0..<500 {
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            lines.append("2025-11-21T00:00:\(String(format: "%02d", number % 60)).\(number)Z INFO shop trace_id=\(id) "
                + ["upstream timeout after \(number)ms", "user \(number) logged in", "cache miss key=cart:\(number)"][number % 3])
        }
        let needles = [
            "timeout", "time", "out after", "ms", "after 1", "5ms", "=cart:4", "0Z INFO", "INFO shop", "trace_id=0",
            "00", "1", "e", "ed in", "ab12ab", "f0f0f0f0f0f0f0f0f0", "beef1", "EF12", "wörld 4", "日本", "\t12\t",
            "21T0", "E40", "h2Q", "10.0.2", "-e29b-", "1234567890123456789", "9999", "_9_", "  ", "no such thing",
            "user 4", "r 49", "in 1", ":0", "05.", "00.1", "0:0", "4 logged", "12.50 E", "=3kg", "after 49ms",
            "d=0", "=0af7", "c Z", "cafe", "e9b", "b-4", "abcdef", "9c G", "d i",
        ]
        let page = try Templated(lines)
        for needle in needles {
            let expected = lines.map { LineSearch.contains($0, Array(needle.utf8)) }
            let (matches, sizes) = try read(page, rows: lines.count) { try $0.search(page.filter([needle]), sizes: true) }
            #expect(matches == expected, "\(needle)")
            #expect(sizes == lines.indices.map { expected[$0] ? lines[$0].utf8.count : 0 }, "\(needle)")
            #expect(try read(page, rows: lines.count) { try $0.search(page.filter([needle]), sizes: false).matches }
                == expected)
        }
        let both = try read(page, rows: lines.count) { try $0.search(page.filter(["INFO", "ms"])).matches }
        #expect(both == lines.map { $0.contains("INFO") && $0.contains("ms") })
    }

    @Test func aNeedleAcrossOneVariableIsJudgedOnItsDigitsAlone() throws {
        let page = try Templated(["GET /cart 200 12ms user=4999", "a 1 = 2 b", "shipped tracking=0a1b2c3d4e5f"])
        let templates = page.templates
        func verdict(_ needle: String, _ template: Int) -> LogTemplates.Verdict {
            templates.verdicts(Array(needle.utf8))[template]
        }
        #expect(verdict("user=4999", 0) == .variables([.init(variable: .integer(2), digits: Array("4999".utf8),
            kind: .prefix)]))
        #expect(verdict("200 1", 0) == .check, "200 and 1 are two integers")
        #expect(verdict("99", 0) == .variables([
            .init(variable: .integer(0), digits: Array("99".utf8), kind: .within),
            .init(variable: .integer(1), digits: Array("99".utf8), kind: .within),
            .init(variable: .integer(2), digits: Array("99".utf8), kind: .within),
        ]))
        #expect(verdict("user=", 0) == .always)
        #expect(verdict("nobody", 0) == .never)
        #expect(verdict("1 = 2", 1) == .check, "the text \" = \" between two integers")
        #expect(verdict("declined", 2) == .never, "a word that starts and ends with hex letters, not after the ID")
        #expect(verdict("g=0a1", 2) == .variables([.init(variable: .hex(0, bytes: 6), digits: Array("0a1".utf8),
            kind: .prefix)]))
        #expect(verdict("4e5f", 2) == .variables([.init(variable: .hex(0, bytes: 6), digits: Array("4e5f".utf8),
            kind: .within)]))
        #expect(verdict("0a1b2c3d4e5f0", 2) == .never, "longer than the ID")
    }

    @Test func eachPageTakesTheEncodingThatCompressesSmaller() throws {
        var table = LogTemplateTable()
        func encoding(_ bodies: [AttributeValue]) -> LogBodyColumn.Encoding? {
            var out = ByteWriter()
            LogBodyColumn.write(bodies, templates: &table, to: &out)
            return LogBodyColumn.Encoding(rawValue: out.bytes[0])
        }
        // Random trace IDs, as real ones are: 16 bytes in a hex variable, 32 digits of text in lines or fields.
        var random = SystemRandomNumberGenerator()
        let shaped = (0..<2_000).map { number in
            let id = String(format: "%016llx%016llx", random.next() as UInt64, random.next() as UInt64)
            return AttributeValue.string("2025-11-21T00:00:00.\(number)Z INFO trace_id=\(id) "
                + "GET /api/cart/\(number * 7919 % 10_007) 200 \(number % 97)ms")
        }
        #expect(encoding(shaped) == .templates)
        let known = table.templates.count
        #expect(known > 0)
        #expect(encoding(Array(shaped.reversed())) == .templates)
        #expect(table.templates.count == known, "a second page of the same shapes adds no template")
        let prose = (0..<200).map { number in
            AttributeValue.string(["the quick brown fox", "jumps over the lazy dog", "while the cat sleeps"][number % 3])
        }
        #expect(encoding(prose) == .lines)
        #expect(table.templates.count == known, "a page written as lines adds none")
        #expect(encoding([.string("two\nlines"), .string("one")]) == .values)
        #expect(encoding([.string("text"), .int(42)]) == .values)
    }

    @Test func damagedTemplatedBodiesAreRefusedNeverACrash() throws {
        let page = try Templated(Self.tricky)
        for position in 1..<page.column.count {
            for damage: UInt8 in [0x01, 0x80, 0xff] {
                var damaged = page.column
                damaged[position] ^= damage
                // Either refused, or read as other lines of the same count: never out of bounds.
                _ = try? read(damaged, templates: page.templates, rows: Self.tricky.count) { reader in
                    _ = try reader.search(page.filter(["12"]))
                    for _ in Self.tricky { _ = try reader.next() }
                }
            }
        }
        // Variables are read on first need: a column that does not fit its rows is refused then.
        #expect(throws: BatchRecordError.self) {
            try read(page, rows: Self.tricky.count + 1) { _ = try $0.search(.none, sizes: true) }
        }
        let short = Array(page.column.dropLast())
        #expect(throws: BatchRecordError.self) {
            try read(short, templates: page.templates, rows: Self.tricky.count) { _ = try $0.next() }
        }
        #expect(try read(short, templates: page.templates, rows: Self.tricky.count) {
            try $0.search(.none, sizes: false).matches
        } == Self.tricky.map { _ in true }, "counting every line reads no variable")
        #expect(throws: BatchRecordError.self) {
            try page.column.withUnsafeBufferPointer { _ = try LogBodyColumn.Reader(ByteReader($0), rows: 1, templates: nil) }
        }
    }

    @Test func aDamagedTemplateTableIsRefusedNeverACrash() throws {
        let table = Self.templated(Self.tricky).table
        for position in 0..<table.count {
            for damage: UInt8 in [0x01, 0x80, 0xff] {
                var damaged = table
                damaged[position] ^= damage
                guard let templates = try? LogTemplates(damaged) else { continue }
                for template in 0..<templates.count { templates.forEachPart(of: template) { _ in } }
                _ = templates.verdicts(Array("12".utf8))
            }
        }
        #expect(throws: BatchRecordError.self) { try LogTemplates(Array(table.dropLast())) }
    }
}
