/// A node's reply to a `RemoteRead`: its answer, what its read left out, and whether a paged read stopped short
/// (sent as `RemoteReply+Encoding` describes).
public struct RemoteReply: Sendable, Equatable {
    public var answer: RemoteAnswer
    /// What the node's read left out and warned of (a damaged page: `ReadScope.dataDamaged`), each once, worded as
    /// its own answer would show it: the asking node warns of it in its answer.
    public var warnings: [String]
    /// A paged read (`logPages`, `spanPages`) stopped at its page bound: the node holds more past the last time it
    /// sent (older ones; newer, oldest first), which a read that gets there asks for with its range narrowed to
    /// after that time. Every item at that last time was sent.
    public var more: Bool

    public init(_ answer: RemoteAnswer, warnings: [String] = [], more: Bool = false) {
        self.answer = answer
        self.warnings = warnings
        self.more = more
    }
}
