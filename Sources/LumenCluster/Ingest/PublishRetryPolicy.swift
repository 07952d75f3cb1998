/// How hard a collector tries before it answers 503: "no responders" (nothing stored, e.g. a leader election,
/// measured at 4–6 s on 2.9.10) is retried after a doubling backoff; a timeout (maybe stored) is retried at once
/// under the same batch ID; after `budget` the request fails with `retryAfterSeconds`.
public struct PublishRetryPolicy: Sendable {
    /// Total time one message may take, retries included; longer than a leader election.
    public var budget: Duration
    public var firstBackoff: Duration
    public var maxBackoff: Duration
    /// How long one attempt waits for its acknowledgement.
    public var ackTimeout: Duration
    /// What the 503 tells the client.
    public var retryAfterSeconds: Int

    public init(
        budget: Duration = .seconds(10), firstBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(1),
        ackTimeout: Duration = .seconds(3), retryAfterSeconds: Int = 5
    ) {
        self.budget = budget
        self.firstBackoff = firstBackoff
        self.maxBackoff = maxBackoff
        self.ackTimeout = ackTimeout
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// A request the cluster could not store within the retry budget: answer 503 with `Retry-After` (OTLP:
/// UNAVAILABLE). Some of its parts may be stored; the client's retry carries a new batch ID, and what repeats is
/// then absorbed as on one node (log records and equal samples are de-duplicated by the head).
public struct ClusterPublishError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var retryAfterSeconds: Int
    public var description: String { message }
}
