import LumenModel

/// What a remote write request decoded into: the series (with their exemplars), and what was refused.
/// A request with refused series still succeeds (Prometheus would retry a 4xx/5xx forever or drop it all).
public struct RemoteWriteResult: Sendable, Hashable {
    public var batch: Batch
    /// Samples (and exemplars) that were refused; a refused series without samples counts as one.
    public var rejected: Int
    /// Empty when nothing was refused; otherwise the first reasons, each naming the series by index.
    public var rejectionMessage: String

    public init(batch: Batch, rejected: Int = 0, rejectionMessage: String = "") {
        self.batch = batch
        self.rejected = rejected
        self.rejectionMessage = rejectionMessage
    }
}
