import LumenModel

/// Everything one simulated shop request emitted: a trace across the five services, their log records,
/// and the server calls the metric instruments record.
public struct ShopRequest: Hashable, Sendable {
    public var traceID: TraceID
    public var spans: [Span]
    public var logs: [LogRecord]
    public var serverCalls: [ServerCall]
    /// Why the payment failed, when it did; the error reached the frontend as a 5xx.
    public var failure: Failure?
    /// The payment failed and the error reached the frontend as a 5xx.
    public var failed: Bool { failure != nil }
    /// A cart or database call took 10–50 times its usual latency.
    public var slow: Bool

    /// How a request fails: the card processor declines the card, or the database aborts payment's
    /// `INSERT INTO payments` as the loser of a deadlock (PostgreSQL's SQLSTATE 40P01).
    public enum Failure: Hashable, Sendable {
        case declined
        case databaseDeadlock
    }

    /// One request a service served, as `http.server.requests` and `http.server.request.duration` see it.
    public struct ServerCall: Hashable, Sendable {
        public var service: ShopService
        public var route: String
        public var method: String
        public var statusCode: Int
        /// Nanoseconds.
        public var duration: Int64
        /// When the call ended, nanoseconds since the epoch.
        public var endTime: Int64
    }
}
