import Dispatch
import Synchronization

/// The pointer to one nats.c object (connection, context, subscription, store), owned by one Swift object that
/// destroys it exactly once. Calls `borrow` it; `take` hands it out a single time and first waits for the calls in
/// progress, so the object is never destroyed under a call on another thread — nats.c does not guard against that
/// (a node shutting down destroyed its JetStream context while a lease renewal's request was on it, and the
/// renewal locked freed memory).
///
/// Contract: a borrower never calls `take` on the same handle, and does not block on a thread that does.
final class OwnedHandle: Sendable {
    private struct State: @unchecked Sendable {
        var pointer: OpaquePointer?
        var borrowers = 0
        var taken = false
    }
    private let state: Mutex<State>
    /// Signalled by the last borrower to return once `take` is waiting.
    private let returned = DispatchSemaphore(value: 0)

    init(_ pointer: OpaquePointer?) {
        state = Mutex(State(pointer: pointer))
    }

    /// Runs `body` with the pointer, which stays alive until `body` returns. Throws a "closed" error naming
    /// `operation` once the pointer is taken (or was nil).
    func borrow<T>(
        _ operation: @autoclosure () -> String, _ body: (OpaquePointer) throws(NATSError) -> T
    ) throws(NATSError) -> T {
        let pointer = state.withLock { state -> OpaquePointer? in
            guard !state.taken, let pointer = state.pointer else { return nil }
            state.borrowers += 1
            return pointer
        }
        guard let pointer else { throw .closed(operation(), "it is closed") }
        defer {
            let last = state.withLock { state in
                state.borrowers -= 1
                return state.taken && state.borrowers == 0
            }
            if last { returned.signal() }
        }
        return try body(pointer)
    }

    /// The pointer, once, after every call borrowing it has returned; nil afterwards. The caller destroys what it
    /// gets. Blocks while calls are in progress (each bounded by its own timeout).
    func take() -> OpaquePointer? {
        let (pointer, wait) = state.withLock { state -> (OpaquePointer?, Bool) in
            guard !state.taken else { return (nil, false) }
            state.taken = true
            return (state.pointer, state.borrowers > 0)
        }
        if wait { returned.wait() }
        return pointer
    }
}
