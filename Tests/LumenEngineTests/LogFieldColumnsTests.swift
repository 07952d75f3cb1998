import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Lines cut into field columns (`docs/format/logs.md`, body encoding 3): every line comes back byte for byte at
/// every field count, a search finds what a plain search finds, the writer picks them where they win, and damage
/// is refused, never a crash.
struct LogFieldColumnsTests {
    static let lines = LogTemplateTests.tricky + [
        "2025-06-24 14:36:25 status half-configured libsystemd0:amd64 252.36-1~deb12u1",
        "2025-06-24 14:36:25 startup archives unpack", "   ", " leading", "trailing ", "a  b   c",
        "one two three four five six seven eight nine ten eleven",
    ]

    private func column(_ lines: [String], fields: Int) -> [UInt8] {
        var out = ByteWriter()
        out.byte(LogBodyColumn.Encoding.fields.rawValue)
        LogFieldColumns.Split(lines).write(fields: fields, to: &out)
        return out.bytes
    }

    private func read<T>(_ column: [UInt8], rows: Int, _ body: (inout LogBodyColumn.Reader) throws -> T) throws -> T {
        try column.withUnsafeBufferPointer { buffer in
            var reader = try LogBodyColumn.Reader(ByteReader(buffer), rows: rows, templates: nil)
            return try body(&reader)
        }
    }

    @Test func everyLineComesBackAtEveryFieldCount() throws {
        for fields in 1...LogFieldColumns.maxFields {
            let bytes = column(Self.lines, fields: fields)
            let lines = try read(bytes, rows: Self.lines.count) { reader in
                #expect(reader.encoding == .fields)
                return try Self.lines.indices.map { row -> AttributeValue? in
                    guard row % 4 != 3 else {
                        try reader.skip()
                        return nil
                    }
                    return try reader.next()
                }
            }
            #expect(lines == Self.lines.indices.map { $0 % 4 == 3 ? nil : .string(Self.lines[$0]) }, "\(fields) fields")
        }
    }

    @Test func aSearchFindsWhatAPlainSearchFinds() throws {
        let needles = [
            "14:36:25 status", "25 s", " ", "  ", "status", "amd64 252", "g ", " l", "e t", "no such", "日本",
            "2025-06-24 14", "eleven", "n e",
        ]
        for fields in [1, 3, LogFieldColumns.maxFields] {
            let bytes = column(Self.lines, fields: fields)
            for needle in needles {
                let expected = Self.lines.map { LineSearch.contains($0, Array(needle.utf8)) }
                let (matches, sizes) = try read(bytes, rows: Self.lines.count) {
                    try $0.search(LogLineFilter([Array(needle.utf8)], templates: nil), sizes: true)
                }
                #expect(matches == expected, "\(needle), \(fields) fields")
                for row in Self.lines.indices where expected[row] { #expect(sizes[row] == Self.lines[row].utf8.count) }
            }
        }
    }

    /// dpkg's log: a date, a time and a verb lead every line, then package names and versions that share little.
    @Test func linesAlikeInTheirLeadingFieldsTakeFieldColumns() {
        var state: UInt64 = 3
        func next() -> UInt64 {  // a fixed sequence (Knuth's LCG), so the page is the same every run
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var seconds = 0
        let verbs = ["status installed", "status unpacked", "status half-configured", "configure", "upgrade"]
        let lines = (0..<3_000).map { _ -> String in
            seconds += Int(next() % 3)
            let package = (0..<6).map { _ in String(UnicodeScalar(UInt8(97 + next() % 26))) }.joined()
            return String(format: "2025-06-24 14:%02d:%02d ", seconds / 60 % 60, seconds % 60)
                + "\(verbs[Int(next() % 5)]) lib\(package)\(next() % 4):amd64 "
                + "\(next() % 30).\(next() % 200)-\(next() % 9)+deb12u\(next() % 20)"
        }
        var table = LogTemplateTable()
        var out = ByteWriter()
        LogBodyColumn.write(lines.map { .string($0) }, templates: &table, to: &out)
        #expect(out.bytes.first == LogBodyColumn.Encoding.fields.rawValue)
        #expect(table.templates.isEmpty)
    }

    @Test func damagedFieldColumnsAreRefusedNeverACrash() throws {
        let bytes = column(Self.lines, fields: 3)
        for position in 1..<bytes.count {
            for damage: UInt8 in [0x01, 0x0a, 0xff] {
                var damaged = bytes
                damaged[position] ^= damage
                // Either refused, or read as other lines of the same count: never out of bounds.
                _ = try? read(damaged, rows: Self.lines.count) { reader in
                    _ = try reader.search(LogLineFilter([Array("25".utf8)], templates: nil))
                    for _ in Self.lines { _ = try reader.next() }
                }
            }
        }
        #expect(throws: BatchRecordError.self) { try read(Array(bytes.dropLast()), rows: Self.lines.count) { _ in } }
        #expect(throws: BatchRecordError.self) { try read(bytes, rows: Self.lines.count + 1) { _ in } }
        for fields: UInt8 in [0, UInt8(LogFieldColumns.maxFields + 1)] {
            var damaged = bytes
            damaged[1] = fields
            #expect(throws: BatchRecordError.self) { try read(damaged, rows: Self.lines.count) { _ in } }
        }
        var overBroken = bytes
        overBroken[2] = 4
        #expect(throws: BatchRecordError.self) { try read(overBroken, rows: Self.lines.count) { _ in } }
    }
}
