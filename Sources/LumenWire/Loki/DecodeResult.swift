import LumenModel

/// What a Loki push or Zipkin request decoded into: the accepted items, and how many were refused and why.
/// A request with refused items still succeeds; the server reports `rejectionMessage` to the sender.
public struct DecodeResult: Sendable, Hashable {
    public var batch: Batch
    /// Log entries (Loki) or spans (Zipkin) that were refused.
    public var rejected: Int
    /// Empty when nothing was refused; otherwise the first reasons, each naming the item's position.
    public var rejectionMessage: String

    public init(batch: Batch, rejected: Int = 0, rejectionMessage: String = "") {
        self.batch = batch
        self.rejected = rejected
        self.rejectionMessage = rejectionMessage
    }
}
