import Synchronization

/// The samples every query in progress may hold together: queries' share of the process's memory ceiling, so
/// that a few heavy queries at once are refused instead of taking the memory that ingest and the head cuts need.
/// `max_samples` bounds one query, as Prometheus' `--query.max-samples` does; the pool bounds them all at once.
///
/// A query's `QueryBudget` takes samples from the pool as it reads (`chunk` at a time, so the lock is taken
/// rarely) and gives them all back when the query ends. Measured on an overload soak's data: one
/// `sum by (service) (count_over_time({service=~".+"}[1m]))` over 6.5M log lines raised the peak resident set
/// by 300 MB, about 46 bytes per line read; `bytesPerSample` is set above that.
///
/// Thread-safety: all methods may be called concurrently.
public final class QuerySamplePool: Sendable {
    public let capacity: Int
    private let held = Mutex(0)

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The pool for `share` bytes of memory.
    public convenience init(bytes share: Int) {
        self.init(capacity: share / Self.bytesPerSample)
    }

    static let bytesPerSample = 64
    static let chunk = 1 << 16

    /// Takes `count` samples, or nothing when that would pass the capacity. Returns whether it took them.
    func take(_ count: Int) -> Bool {
        held.withLock { held in
            guard held + count <= capacity else { return false }
            held += count
            return true
        }
    }

    func giveBack(_ count: Int) {
        held.withLock { $0 -= count }
    }

    /// The samples queries in progress hold.
    public var heldSamples: Int { held.withLock { $0 } }
}
