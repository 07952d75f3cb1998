import LumenModel

/// What an OTLP request decoded into: the accepted items, and how many were refused and why.
/// `rejected > 0` becomes the response's `partial_success`; the request as a whole still succeeds.
public struct OTLPDecodeResult: Sendable, Hashable {
    public var batch: Batch
    /// Spans, log records or metric data points that were refused.
    public var rejected: Int
    /// Empty when nothing was refused; otherwise the first reasons, each naming the item's path.
    public var rejectionMessage: String

    public init(batch: Batch, rejected: Int = 0, rejectionMessage: String = "") {
        self.batch = batch
        self.rejected = rejected
        self.rejectionMessage = rejectionMessage
    }
}
