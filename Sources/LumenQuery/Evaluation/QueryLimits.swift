import LumenModel

/// How much one query may cost before it is stopped, so that one query can't take the server down.
/// Defaults follow Prometheus (`--query.timeout=2m`, `--query.max-samples=50000000`).
public struct QueryLimits: Sendable, Equatable {
    public var timeout: Duration
    /// Samples, log lines and spans read from the store, all together.
    public var maxSamples: Int
    /// Series read for metric selectors, and series a log or span range makes.
    public var maxSeries: Int
    /// What all queries in progress may read together (their share of the memory ceiling); nil for no bound.
    public var samplePool: QuerySamplePool?

    public init(timeout: Duration = .seconds(120), maxSamples: Int = 50_000_000, maxSeries: Int = 1_000_000) {
        self.timeout = timeout
        self.maxSamples = maxSamples
        self.maxSeries = maxSeries
    }

    public static func == (lhs: QueryLimits, rhs: QueryLimits) -> Bool {
        (lhs.timeout, lhs.maxSamples, lhs.maxSeries) == (rhs.timeout, rhs.maxSamples, rhs.maxSeries)
            && lhs.samplePool === rhs.samplePool
    }
}

/// What one query has spent of its limits, and whether it must stop: its deadline passed or it was cancelled.
/// Made per query and used from the query's own thread only (the cancellation inside may be set from any).
final class QueryBudget {
    let limits: QueryLimits
    private let deadline: ContinuousClock.Instant
    private let cancellation: QueryCancellation
    private(set) var samples = 0
    private(set) var series = 0
    /// Set by `visit` once time is up or the query was cancelled.
    private var stopped = false
    /// Samples taken from the limits' pool, given back when the query ends.
    private var pooled = 0
    /// Set once the pool could not give what the query read: the samples the other queries held then. Alone
    /// within the pool's capacity, the query is refused for now (`unavailable`); past it, for good (`execution`).
    private var poolRefusal: Int?

    init(_ limits: QueryLimits = QueryLimits(), cancellation: QueryCancellation = QueryCancellation()) {
        self.limits = limits
        self.cancellation = cancellation
        deadline = ContinuousClock.now.advanced(by: limits.timeout)
    }

    deinit {
        if pooled > 0 { limits.samplePool?.giveBack(pooled) }
    }

    /// Counts what was read. Reads inside the store can't throw, so the ceilings are enforced by `check()`,
    /// which evaluation calls at every step and once at the end.
    func record(samples: Int, series: Int = 0) {
        self.samples += samples
        self.series += series
        drawFromPool()
    }

    /// Takes from the pool what the samples read have passed: a chunk at a time, or just that near its capacity.
    private func drawFromPool() {
        guard let pool = limits.samplePool, samples > pooled, poolRefusal == nil else { return }
        let needed = samples - pooled
        for amount in [max(needed, QuerySamplePool.chunk), needed] where pool.take(amount) {
            pooled += amount
            return
        }
        poolRefusal = pool.heldSamples - pooled
    }

    /// Counts one item a read visits (a log record, a span) as a sample and says whether the read should go on:
    /// every 1,024 items it looks at the ceilings, the deadline and the cancellation, which `check()` then
    /// reports. Once it has said stop it says so for the rest of the read.
    func visit() -> Bool {
        samples += 1
        if samples % 1024 == 0, !stopped {
            drawFromPool()
            if isExhausted || isPastDeadline { stopped = true }
        }
        return !stopped
    }

    /// Samples a read may still gather before the query is over its limit, or over what the pool has left.
    var samplesLeft: Int {
        var left = limits.maxSamples - samples
        if let pool = limits.samplePool { left = min(left, pool.capacity - pool.heldSamples + pooled - samples) }
        return max(left, 0)
    }

    /// Whether a ceiling is passed, so a read in progress can stop early.
    var isExhausted: Bool { samples > limits.maxSamples || series > limits.maxSeries || poolRefusal != nil }

    /// Whether a read in progress should stop: time is up or the query was cancelled. `check()` then says why.
    var isPastDeadline: Bool { cancellation.isCancelled || ContinuousClock.now > deadline }

    /// Throws once a ceiling is passed, time is up or the query was cancelled, naming the limit. The kinds are
    /// Prometheus': too many samples is an `execution` error (`ErrTooManySamples`), a timeout `timeout`.
    func check() throws(QueryError) {
        if cancellation.isCancelled {
            throw QueryError("the query was cancelled: the client went away or the server is stopping", kind: .canceled)
        }
        if samples > limits.maxSamples {
            throw QueryError(
                "query processing would load too many samples into memory: more than the limit of "
                    + "\(limits.maxSamples) samples (max samples); narrow the selector or the time range",
                kind: .execution)
        }
        if let others = poolRefusal, let pool = limits.samplePool {
            throw samples <= pool.capacity
                ? QueryError(
                    "the queries in progress hold their share of the memory ceiling (\(pool.capacity) samples, "
                        + "\(others) held by others): retry shortly", kind: .unavailable)
                : QueryError(
                    "query processing would load more samples than the queries' share of the memory ceiling "
                        + "(\(pool.capacity) samples); narrow the selector or the time range", kind: .execution)
        }
        if series > limits.maxSeries {
            throw QueryError(
                "the query touches more than the limit of \(limits.maxSeries) series (max series); "
                    + "add matchers to select fewer",
                kind: .tooLarge)
        }
        if ContinuousClock.now > deadline {
            throw QueryError(
                "query timed out after \(limits.timeout) (the query timeout); narrow it or raise the limit",
                kind: .timeout)
        }
    }
}
