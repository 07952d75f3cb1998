/// A query that can't be parsed or run, with where and what was expected, and what kind of failure it is.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as Prometheus' API classifies it, so a client can tell its own mistake (`badData`) from
    /// a query the server gave up on (`timeout`, `tooLarge`) and retry only what is worth retrying. The HTTP
    /// status and Prometheus `errorType` of each kind are mapped in one place, at the server's edge.
    public enum Kind: String, Sendable, CaseIterable {
        /// The query or its parameters are wrong: a syntax or type error, a range that ends before it starts.
        case badData = "bad_data"
        /// The query ran past its time limit (`--query-timeout`).
        case timeout
        /// The client went away or the server is shutting down before the query finished.
        case canceled
        /// The query is well formed but its data makes it fail: duplicate series in a match group, too many
        /// samples (Prometheus' `--query.max-samples` answers this kind too).
        case execution
        /// The query touches more than a configured ceiling lets one query touch (max series).
        case tooLarge = "too_large"
        /// The server cannot take the query now (the queries in progress hold their memory); retry shortly.
        case unavailable
        /// A fault of the server, not of the query.
        case `internal`
    }

    public let message: String
    public let position: SourcePosition?
    public let kind: Kind
    /// Whether the text is certainly the kind of query it was read as where this error was found (a span
    /// `status` no span has, a `severity` that doesn't exist), so no other reading — PromQL — is tried instead.
    var isDefinite = false

    public init(_ message: String, at position: SourcePosition? = nil, kind: Kind = .badData) {
        self.message = message
        self.position = position
        self.kind = kind
    }

    public var description: String {
        guard let position else { return message }
        return "\(position): \(message)"
    }
}
