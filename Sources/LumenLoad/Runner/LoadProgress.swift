/// Where a load run stands: what was simulated, sent and acknowledged so far.
///
/// "Sent" counts items in POSTs handed to the network; "acknowledged" those in POSTs the endpoint answered
/// with 2xx — for Lumen, durable in its write-ahead log.
public struct LoadProgress: Hashable, Sendable {
    public var requestsSimulated = 0
    public var spansSent = 0
    public var spansAcknowledged = 0
    public var logsSent = 0
    public var logsAcknowledged = 0
    public var pointsSent = 0
    public var pointsAcknowledged = 0
    /// POSTs acknowledged.
    public var postsAcknowledged = 0
    /// POSTs given up on: refused with a status retrying cannot fix, or still failing after the last retry.
    public var failures = 0
    public var retries = 0
    /// The most recent failure, for the user to act on.
    public var lastFailure: String?
    public var elapsed: Duration = .zero
    /// How long each POST took to be acknowledged (first tries only, so retry back-off doesn't count).
    public var acknowledgementLatencies: [Duration] = []

    /// The q-quantile of `acknowledgementLatencies` (nearest rank); zero before any acknowledgement.
    public func acknowledgementLatency(quantile q: Double) -> Duration {
        guard !acknowledgementLatencies.isEmpty else { return .zero }
        let sorted = acknowledgementLatencies.sorted()
        return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
    }

    public init() {}
}
