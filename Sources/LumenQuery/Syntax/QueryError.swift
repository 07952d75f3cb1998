/// A query that can't be parsed or run, with where and what was expected.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let position: SourcePosition?
    /// Whether the text is certainly the kind of query it was read as where this error was found (a span
    /// `status` no span has, a `severity` that doesn't exist), so no other reading — PromQL — is tried instead.
    var isDefinite = false

    public init(_ message: String, at position: SourcePosition? = nil) {
        self.message = message
        self.position = position
    }

    public var description: String {
        guard let position else { return message }
        return "\(position): \(message)"
    }
}
