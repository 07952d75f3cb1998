import Synchronization

/// What the query a read belongs to allows and what its reads of other nodes met. Bound (task-local; outside a
/// task, as on the query executor's threads, per thread) around a query's work by whoever runs it, and read by
/// the sources that wait on other nodes (`FanOutQuerier`): they stop waiting once the query is cancelled or past
/// its deadline, and report a node that failed here.
///
/// A damaged page of a block met by a read is left out of the answer with a warning (`dataDamaged`).
///
/// A node's failure either fails the query (the default: the runner answers with `failure`, and the query is
/// cancelled so it stops at its next step) or, when `partial` is allowed, leaves that node out with a warning.
public final class ReadScope: Sendable {
    @TaskLocal public static var current: ReadScope?

    /// Whether an answer may leave out a node that failed, with a warning (`partial=true`).
    public let partial: Bool

    private struct State {
        var deadline: ContinuousClock.Instant?
        var isCancelled: (@Sendable () -> Bool)?
        var cancel: (@Sendable () -> Void)?
        var failure: String?
        var warnings: [String] = []
    }

    private let state = Mutex(State())
    private let onFailure: (@Sendable (String) -> Void)?

    /// - Parameter onFailure: also told of every node that failed (a scope no runner reads logs them).
    public init(partial: Bool = false, onFailure: (@Sendable (String) -> Void)? = nil) {
        self.partial = partial
        self.onFailure = onFailure
    }

    /// Ties the scope to a running query: its deadline (if known) and its cancellation.
    public func attach(
        deadline: ContinuousClock.Instant?, isCancelled: @escaping @Sendable () -> Bool,
        cancel: @escaping @Sendable () -> Void
    ) {
        state.withLock {
            $0.deadline = deadline
            $0.isCancelled = isCancelled
            $0.cancel = cancel
        }
    }

    public var deadline: ContinuousClock.Instant? { state.withLock { $0.deadline } }

    /// Whether a wait on another node should give up: the query was cancelled, is past its deadline, or failed.
    public var shouldStop: Bool {
        let (deadline, isCancelled, failed) = state.withLock { ($0.deadline, $0.isCancelled, $0.failure != nil) }
        return failed || (isCancelled?() ?? false) || deadline.map { ContinuousClock.now > $0 } ?? false
    }

    /// A node could not answer: a warning when `partial`, else the query's failure (the first one is kept), and
    /// the query is cancelled so it stops soon.
    public func nodeFailed(_ message: String) {
        let cancel: (@Sendable () -> Void)? = state.withLock { state in
            if partial {
                if !state.warnings.contains(message) { state.warnings.append(message) }
                return nil
            }
            if state.failure == nil { state.failure = message }
            return state.cancel
        }
        cancel?()
        onFailure?(message)
    }

    /// A damaged page (or chunk) of a block was left out of the answer: always a warning, whatever `partial`
    /// says, since the rest of the answer is whole and no other copy exists to wait for.
    public func dataDamaged(_ message: String) {
        state.withLock { state in
            if !state.warnings.contains(message) { state.warnings.append(message) }
        }
    }

    /// Why the query failed, when a node it needed could not answer and `partial` was not allowed.
    public var failure: String? { state.withLock { $0.failure } }

    /// The nodes left out of a partial answer and the damaged pages left out of any answer, one message each.
    public var warnings: [String] { state.withLock { $0.warnings } }
}
