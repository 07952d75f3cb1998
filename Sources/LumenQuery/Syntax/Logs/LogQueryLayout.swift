/// `format_query`'s layout of a log query, as Loki's `Prettify` lays one out: a query longer than 100
/// characters has its selector on the first line and each stage (each line filter too) on a line of its own,
/// indented two spaces; a shorter one stays on one line. Each part keeps the text it was written with, where
/// Loki would also respell it (spacing, quotes).
package enum LogQueryLayout {
    static let maxCharactersPerLine = 100

    /// A log query (the caller knows it parses as one) laid out; one that fits on a line is returned as it is.
    package static func pretty(_ query: String) throws(QueryError) -> String {
        let text = query.trimmingSpaces
        guard text.unicodeScalars.count > maxCharactersPerLine, text.hasPrefix("{") else { return text }
        let tokens = try Lexer.tokenize(text)
        let scalars = Array(text.unicodeScalars)
        let offsets = Self.offsets(of: tokens, in: scalars)
        var cuts: [Int] = []
        var depth = 0
        for (index, token) in tokens.enumerated() {
            guard case .symbol(let symbol) = token.kind else { continue }
            switch symbol {
            case "{", "(", "[": depth += 1
            case "}", ")", "]": depth -= 1
            case "|" where depth == 0: cuts.append(offsets[index])
            case "|=", "|~", "!=", "!~":
                // A line filter, unless it compares a label (`| level != "x"`).
                if case .identifier = tokens[index - 1].kind { continue }
                if depth == 0 { cuts.append(offsets[index]) }
            default: continue
            }
        }
        guard !cuts.isEmpty else { return text }
        var lines: [String] = []
        for (start, end) in zip([0] + cuts, cuts + [scalars.count]) {
            let part = String(String.UnicodeScalarView(scalars[start..<end])).trimmingSpaces
            lines.append(lines.isEmpty ? part : "  " + part)
        }
        return lines.joined(separator: "\n")
    }

    /// Each token's offset in `scalars`, from its line and column.
    private static func offsets(of tokens: [Token], in scalars: [Unicode.Scalar]) -> [Int] {
        var lineStarts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { lineStarts.append(index + 1) }
        return tokens.map { lineStarts[$0.position.line - 1] + $0.position.column - 1 }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }
}
