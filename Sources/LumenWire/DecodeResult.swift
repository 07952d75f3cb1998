import LumenModel

/// What a request decoded into, for every protocol: the accepted items, and how many were refused and why.
/// A request with refused items still succeeds; the server reports `rejectionMessage` to the sender (OTLP as
/// `partial_success`, the other HTTP pushes in a 400's body).
public struct DecodeResult: Sendable, Hashable {
    public var batch: Batch
    /// Items refused: spans, log records or entries, metric data points or samples.
    public var rejected: Int
    /// Empty when nothing was refused; otherwise the first reasons, each naming the item's position.
    public var rejectionMessage: String

    public init(batch: Batch, rejected: Int = 0, rejectionMessage: String = "") {
        self.batch = batch
        self.rejected = rejected
        self.rejectionMessage = rejectionMessage
    }
}
