import Foundation
import LumenModel

/// How `lumen load` and the ingest benchmark drive the demo shop at an OTLP/HTTP endpoint.
///
/// The run ends after `duration`, after `count` requests, or — when neither is given — when its task is
/// cancelled. With `rate` 0 the runner sends as fast as the endpoint acknowledges, `batchSize` requests per
/// POST; otherwise each `tick` carries the requests due in it in one traces and one logs POST.
public struct LoadOptions: Sendable {
    /// The OTLP/HTTP base URL; `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended.
    public var endpoint: URL
    /// Sent as `X-Scope-OrgID`; `nil` sends none (the server's anonymous tenant).
    public var tenant: String?
    public var seed: UInt64
    /// Simulated shop requests per second; 0 means as fast as possible.
    public var rate: Double
    public var duration: Duration?
    public var count: Int?
    /// POSTs in flight at most.
    public var concurrency: Int
    /// Requests per POST when `rate` is 0.
    public var batchSize: Int
    public var gzip: Bool
    /// The first request's start, nanoseconds since the epoch; `nil` is the moment the run starts. Fix it to
    /// make two runs send byte-identical bodies.
    public var startTime: Int64?
    public var metricsInterval: Duration
    public var tick: Duration
    /// False sends every tick at once instead of when it is due: with `startTime` in the past, a backfill of
    /// `duration` of traffic at `rate`, timestamped as if it had run then. Metric points then follow the
    /// simulated time, one every `metricsInterval` of it.
    public var paced = true
    /// Retries of one POST answered 429 or 503 (or not answered at all) before it counts as failed.
    public var maxRetries: Int
    public var requestTimeout: Duration
    /// PEM CA certificates an https endpoint's certificate must chain to, instead of the system's.
    public var caFile: String?

    public static let defaultEndpoint = URL(string: "http://127.0.0.1:4318")!

    public init(
        endpoint: URL = LoadOptions.defaultEndpoint, tenant: String? = nil, seed: UInt64 = 42, rate: Double = 100,
        duration: Duration? = nil, count: Int? = nil, concurrency: Int = 8, batchSize: Int = 100,
        gzip: Bool = false, startTime: Int64? = nil, metricsInterval: Duration = .seconds(5),
        tick: Duration = .milliseconds(100), maxRetries: Int = 5, requestTimeout: Duration = .seconds(10)
    ) {
        self.endpoint = endpoint
        self.tenant = tenant
        self.seed = seed
        self.rate = rate
        self.duration = duration
        self.count = count
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.gzip = gzip
        self.startTime = startTime
        self.metricsInterval = metricsInterval
        self.tick = tick
        self.maxRetries = maxRetries
        self.requestTimeout = requestTimeout
    }

    /// Checks what would make a run meaningless, with a message naming the option to fix.
    public func validate() throws(LoadError) {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
            endpoint.host != nil
        else {
            throw LoadError(.invalidOptions, "endpoint \"\(endpoint.absoluteString)\" is not an http(s) URL with a host")
        }
        if let tenant, Tenant(tenant) == nil {
            throw LoadError(.invalidOptions,
                            "tenant \"\(tenant)\" is invalid: use 1–150 letters, digits or !-_.*'()")
        }
        guard rate >= 0, rate.isFinite else {
            throw LoadError(.invalidOptions, "rate must be 0 (unlimited) or a positive number of requests per second")
        }
        guard concurrency >= 1 else { throw LoadError(.invalidOptions, "concurrency must be at least 1") }
        guard batchSize >= 1 else { throw LoadError(.invalidOptions, "batch size must be at least 1") }
        if let count, count < 0 { throw LoadError(.invalidOptions, "count must not be negative") }
        if let duration, duration <= .zero { throw LoadError(.invalidOptions, "duration must be positive") }
        guard tick > .zero, metricsInterval > .zero else {
            throw LoadError(.invalidOptions, "tick and metrics interval must be positive")
        }
        guard maxRetries >= 0 else { throw LoadError(.invalidOptions, "max retries must not be negative") }
    }
}
