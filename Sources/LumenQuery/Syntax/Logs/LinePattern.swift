import LumenModel

/// The expression of `| pattern`: literal text and captures, `<name>` for a field and `<_>` for text skipped,
/// as Loki's pattern parser reads it.
///
/// A leading literal must start the line; each capture then takes the text up to the next literal's first
/// occurrence (the last capture, to the end of the line). A line that doesn't match gains no fields and no
/// error, as in Loki.
public struct LinePattern: Equatable, Sendable {
    public let text: String
    private let parts: [Part]

    private enum Part: Equatable, Sendable {
        case literal(String)
        /// `nil` for `<_>`.
        case capture(String?)
    }

    public init(_ text: String) throws(QueryError) {
        self.text = text
        var parts: [Part] = []
        var literal = ""
        var rest = text[...]
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">"),
                case let name = rest[rest.index(after: rest.startIndex)..<close],
                name == "_" || (!name.isEmpty && LabelName.sanitize(String(name)) == name)
            {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                if case .capture = parts.last {
                    throw QueryError("pattern \"\(text)\" has two captures in a row; put literal text between them")
                }
                parts.append(.capture(name == "_" ? nil : String(name)))
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(first)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(where: { if case .capture(.some) = $0 { true } else { false } }) else {
            throw QueryError("pattern \"\(text)\" captures nothing; name at least one field, like <status>")
        }
        self.parts = parts
    }

    /// The captured fields, or `nil` when the line doesn't start with the pattern's leading literal. As in
    /// Loki, a literal not found ends the match early: the capture before it takes the rest of the line.
    public func fields(_ line: String) -> [Label]? {
        var fields: [Label] = []
        var rest = line[...]
        var parts = self.parts[...]
        if case .literal(let leading) = parts.first {
            guard rest.hasPrefix(leading) else { return nil }
            rest = rest.dropFirst(leading.count)
            parts = parts.dropFirst()
        }
        var pending: String??
        for part in parts {
            switch part {
            case .capture(let name):
                pending = .some(name)
            case .literal(let literal):
                guard let found = rest.range(of: literal) else {
                    if case .some(.some(let name)) = pending { fields.append(Label(name, String(rest))) }
                    return fields
                }
                if case .some(.some(let name)) = pending { fields.append(Label(name, String(rest[..<found.lowerBound]))) }
                pending = nil
                rest = rest[found.upperBound...]
            }
        }
        if case .some(.some(let name)) = pending { fields.append(Label(name, String(rest))) }
        return fields
    }
}
