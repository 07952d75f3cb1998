import CMemmem
import LumenModel

/// The templates of a block's log part as read (`LogTemplateTable` wrote them): parsed and checked once when the
/// part is opened, then shared by every page and query. Immutable: safe to share between concurrent queries.
final class LogTemplates: Sendable {
    /// Whether the lines of a template contain a needle: `always` when it lies in the template's text, `never`
    /// when it cannot reach into any of its variables either, `variables` when it can reach integers and hex
    /// alone, one at a time (a line holds it when one of the matches does), else each line has to be rendered.
    enum Verdict: Equatable {
        case always, never, check
        case variables([VariableMatch])
    }

    /// A needle lying across one variable of a line, the k-th integer or hex: the variable's digits as the line
    /// shows them (an integer's leading zeros included) equal `digits`, begin or end with them, or hold them, as
    /// the needle's bytes on either side lie in the text.
    struct VariableMatch: Equatable {
        enum Variable: Equatable { case integer(Int), hex(Int, bytes: Int) }
        enum Kind { case whole, prefix, suffix, within }
        let variable: Variable
        let digits: [UInt8]
        let kind: Kind

        func holds(_ rendered: UnsafeBufferPointer<UInt8>) -> Bool {
            guard rendered.count >= digits.count else { return false }
            switch kind {
            case .whole: return rendered.elementsEqual(digits)
            case .prefix: return rendered.prefix(digits.count).elementsEqual(digits)
            case .suffix: return rendered.suffix(digits.count).elementsEqual(digits)
            case .within: return LineSearch.contains(rendered, digits)
            }
        }
    }

    /// A part of a template, walked in place in its written bytes.
    enum Part {
        case text(UnsafeBufferPointer<UInt8>)
        case integer
        case hex(bytes: Int)
        case string
    }

    private let bytes: [UInt8]
    /// Each template's written parts: `bytes[starts[t]..<ends[t]]`.
    private let starts: [Int]
    private let ends: [Int]
    let integerCounts: [Int]
    let stringCounts: [Int]
    /// Bytes of a template's lines that do not depend on their variables' values: text and hex digits.
    let fixedLengths: [Int]
    /// The byte counts of template t's hex variables: `hexBytes[hexStarts[t]..<hexStarts[t + 1]]`.
    let hexStarts: [Int]
    let hexBytes: [Int]
    /// What a needle is checked against: each text part (as a range of `bytes`), in order, and which kinds of
    /// variable each template has.
    private let textParts: [(start: Int, end: Int, template: Int)]
    private let smallestHex: [Int]

    var count: Int { starts.count }

    init(_ bytes: [UInt8]) throws(BatchRecordError) {
        var starts: [Int] = []
        var ends: [Int] = []
        var integerCounts: [Int] = []
        var stringCounts: [Int] = []
        var fixedLengths: [Int] = []
        var hexStarts = [0]
        var hexBytes: [Int] = []
        var textParts: [(start: Int, end: Int, template: Int)] = []
        var smallestHex: [Int] = []
        try bytes.withUnsafeBufferPointer { buffer throws(BatchRecordError) in
            var reader = ByteReader(buffer)
            for template in 0..<(try reader.count("template")) {
                let length = try reader.count("template length", minimumSize: 0)
                let end = reader.offset + length
                starts.append(reader.offset)
                ends.append(end)
                var (integers, strings, fixed, smallest) = (0, 0, 0, Int.max)
                while reader.offset < end {
                    switch LogTemplate.Kind(rawValue: try reader.byte("template part")) {
                    case .text:
                        let text = try reader.count("template text")
                        textParts.append((reader.offset, reader.offset + text, template))
                        try reader.skip(text)
                        fixed += text
                    case .integer:
                        integers += 1
                    case .hex:
                        let bytes = try reader.int("hex variable bytes")
                        guard bytes > 0, bytes <= LogTemplate.maxHexBytes else {
                            throw reader.error("hex variable of \(bytes) bytes")
                        }
                        hexBytes.append(bytes)
                        fixed += 2 * bytes
                        smallest = min(smallest, bytes)
                    case .string:
                        strings += 1
                    case nil:
                        throw reader.error("unknown template part")
                    }
                }
                guard reader.offset == end else { throw reader.error("template part runs past its template") }
                integerCounts.append(integers)
                stringCounts.append(strings)
                fixedLengths.append(fixed)
                hexStarts.append(hexBytes.count)
                smallestHex.append(smallest)
            }
            guard reader.isAtEnd else { throw reader.error("bytes after the templates") }
        }
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
        self.integerCounts = integerCounts
        self.stringCounts = stringCounts
        self.fixedLengths = fixedLengths
        self.hexStarts = hexStarts
        self.hexBytes = hexBytes
        self.textParts = textParts
        self.smallestHex = smallestHex
    }

    /// Walks template `template`'s parts in order.
    func forEachPart(of template: Int, _ body: (Part) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            // Every read was checked at `init`, so none of these can fail.
            var reader = ByteReader(buffer).slice(starts[template]..<ends[template])
            while !reader.isAtEnd {
                switch LogTemplate.Kind(rawValue: try! reader.byte("part kind"))! {
                case .text:
                    let text = try! reader.count("text length", minimumSize: 0)
                    body(.text(UnsafeBufferPointer(rebasing: reader.buffer[reader.offset..<reader.offset + text])))
                    try! reader.skip(text)
                case .integer:
                    body(.integer)
                case .hex:
                    body(.hex(bytes: try! reader.int("hex bytes")))
                case .string:
                    body(.string)
                }
            }
        }
    }

    /// Every template's verdict on `needle`. The text of all templates is searched at once (`memmem`); an
    /// occurrence counts when it lies inside one text part.
    ///
    /// An occurrence that reaches into a variable has some of its bytes there: the needle's first bytes (the
    /// variable ends inside it), its last ones (the variable starts inside it), or a whole variable inside it. An
    /// integer's bytes are digits; a hex variable's are exactly its digits; a string can be anything.
    func verdicts(_ needle: [UInt8]) -> [Verdict] {
        guard !needle.isEmpty else { return Array(repeating: .always, count: count) }
        var inText = [Bool](repeating: false, count: count)
        bytes.withUnsafeBufferPointer { buffer in
            needle.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress else { return }
                var position = 0
                var part = 0
                while position < buffer.count,
                    let hit = memmem(base + position, buffer.count - position, needle.baseAddress!, needle.count)
                {
                    let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                    while part < textParts.count, textParts[part].end < at + needle.count { part += 1 }
                    guard part < textParts.count else { break }
                    if textParts[part].start <= at { inText[textParts[part].template] = true }
                    position = at + 1
                }
            }
        }
        let digits = needle.contains(where: LogTemplate.isDigit)
        let hexEdge = HexCoding.isLowercaseDigit(needle.first!) || HexCoding.isLowercaseDigit(needle.last!)
        let hexRun = Self.longestRun(of: HexCoding.isLowercaseDigit, in: needle)
        return (0..<count).map { template in
            if inText[template] { return .always }
            let reachesHex = smallestHex[template] != .max && (hexEdge || hexRun >= 2 * smallestHex[template])
            if stringCounts[template] > 0 { return .check }
            guard reachesHex || (digits && integerCounts[template] > 0) else { return .never }
            guard let matches = variableMatches(template, needle) else { return .check }
            return matches.isEmpty ? .never : .variables(matches)
        }
    }

    /// Every way `needle` can lie across one integer or hex variable of `template` (which has no string): its
    /// bytes before the variable the end of the text before it, its bytes after the start of the text after, its
    /// bytes on the variable digits of the variable's kind (and for hex, no more than it has). Nil when an
    /// occurrence could span two variables: a text part between variables lies inside the needle.
    private func variableMatches(_ template: Int, _ needle: [UInt8]) -> [VariableMatch]? {
        var parts: [Part] = []
        forEachPart(of: template) { parts.append($0) }
        for (index, part) in parts.enumerated() where index > 0 && index < parts.count - 1 {
            guard case .text(let text) = part, needle.count > text.count + 1 else { continue }
            let inner = needle[1..<needle.count - 1]
            if inner.withUnsafeBufferPointer({ LineSearch.contains($0, Array(text)) }) { return nil }
        }
        func text(at index: Int) -> UnsafeBufferPointer<UInt8> {
            guard parts.indices.contains(index), case .text(let text) = parts[index] else { return .init(start: nil, count: 0) }
            return text
        }
        var matches: [VariableMatch] = []
        var (integers, hexes) = (0, 0)
        for (index, part) in parts.enumerated() {
            let variable: VariableMatch.Variable
            let isDigit: (UInt8) -> Bool
            let length: Int?  // of a hex variable's digits; an integer's varies
            switch part {
            case .integer:
                (variable, isDigit, length) = (.integer(integers), LogTemplate.isDigit, nil)
                integers += 1
            case .hex(let bytes):
                (variable, isDigit, length) = (.hex(hexes, bytes: bytes), HexCoding.isLowercaseDigit, 2 * bytes)
                hexes += 1
            case .text, .string:
                continue
            }
            let before = text(at: index - 1)
            let after = text(at: index + 1)
            for start in needle.indices where isDigit(needle[start]) {
                var end = start + 1
                while end - start <= length ?? .max {
                    let (head, tail) = (needle[..<start], needle[end...])
                    let kind: VariableMatch.Kind = head.isEmpty
                        ? (tail.isEmpty ? .within : .suffix) : (tail.isEmpty ? .prefix : .whole)
                    if before.reversed().starts(with: head.reversed()), after.starts(with: tail),
                        kind != .whole || length == nil || end - start == length
                    {
                        matches.append(VariableMatch(variable: variable, digits: Array(needle[start..<end]), kind: kind))
                    }
                    guard end < needle.count, isDigit(needle[end]) else { break }
                    end += 1
                }
            }
        }
        return matches
    }

    private static func longestRun(of test: (UInt8) -> Bool, in bytes: [UInt8]) -> Int {
        var longest = 0
        var run = 0
        for byte in bytes {
            run = test(byte) ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
