import Synchronization

/// Tells a running query to stop: set from another thread (the task of a client that went away, server shutdown),
/// read by the query's evaluation between steps and series and by its reads between pages, as a Go `Context`'s
/// `Done` is. Cancelling is one-way and idempotent.
public final class QueryCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
