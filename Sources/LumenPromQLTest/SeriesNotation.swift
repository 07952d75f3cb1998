import LumenModel
import LumenQuery

/// promtool's expanding series notation: `1 2 _ stale 0+10x5 5-1x3 _x2 Inf NaN`.
///
/// `a+bxn` expands to n+1 values `a, a+b, …, a+n·b`; `axn` repeats `a` n+1 times; `_xn` is n missing points.
/// `nil` entries are missing points.
public enum SeriesNotation {
    struct Unsupported: Error {
        let reason: String
    }

    public static func values(_ text: Substring) throws(QueryError) -> [Double?] {
        var result: [Double?] = []
        for item in text.split(whereSeparator: \.isWhitespace) {
            result += try expand(item)
        }
        return result
    }

    /// Whether the text holds native histogram samples (`{{…}}`), which Lumen doesn't model.
    static func hasHistograms(_ text: Substring) -> Bool { text.contains("{{") }

    private static func expand(_ item: Substring) throws(QueryError) -> [Double?] {
        if item == "_" { return [nil] }
        if item == "stale" { return [Double(bitPattern: Sample.staleMarkerBits)] }
        guard let times = item.lastIndex(of: "x") else { return [try number(item)] }
        // As in promtool, `0x59` is 0 repeated: series notation has no hexadecimal numbers.
        guard let count = Int(item[item.index(after: times)...]) else {
            throw QueryError("invalid repetition count in \"\(item)\"")
        }
        let head = item[..<times]
        if head == "_" { return Array(repeating: nil, count: count) }
        if head == "stale" { return Array(repeating: Double(bitPattern: Sample.staleMarkerBits), count: count) }
        // Find the `+` or `-` that separates start and increment (not a leading sign, not an exponent's).
        var split: Substring.Index?
        var index = head.index(after: head.startIndex)
        while index < head.endIndex {
            let character = head[index]
            let before = head[head.index(before: index)]
            if (character == "+" || character == "-"), before != "e", before != "E" { split = index }
            index = head.index(after: index)
        }
        guard let split else {
            let value = try number(head)
            return Array(repeating: value, count: count + 1)
        }
        let start = try number(head[..<split])
        var increment = try number(head[head.index(after: split)...])
        if head[split] == "-" { increment = -increment }
        return (0...count).map { start + Double($0) * increment }
    }

    static func number(_ text: Substring) throws(QueryError) -> Double {
        switch text.lowercased() {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default:
            if let value = Double(text) { return value }
            throw QueryError("\"\(text)\" is not a number")
        }
    }
}
