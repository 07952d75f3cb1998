/// A position in the query text, 1-based, for error messages a person can act on.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "line \(line), column \(column)" }
}

package struct Token: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case identifier(String)
        case string(String)
        case number(Double)
        case duration(Int64)
        /// A byte size in bytes: `10KB`, `1MiB`.
        case bytes(Double)
        /// Punctuation and operators, by their text: `{ } ( ) [ ] , = != =~ !~ > >= < <= && || |= |~ |`.
        case symbol(String)
        case end
    }

    package let kind: Kind
    package let position: SourcePosition

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): "identifier \"\(name)\""
        case .string(let value): "string \"\(value)\""
        case .number(let value): "number \(value)"
        case .duration(let value): "duration \(value)ns"
        case .bytes(let value): "byte size \(value)"
        case .symbol(let text): "\"\(text)\""
        case .end: "end of query"
        }
    }
}
