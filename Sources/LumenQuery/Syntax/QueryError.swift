/// A query that can't be parsed or run, with where and what was expected.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let position: SourcePosition?

    public init(_ message: String, at position: SourcePosition? = nil) {
        self.message = message
        self.position = position
    }

    public var description: String {
        guard let position else { return message }
        return "\(position): \(message)"
    }
}
