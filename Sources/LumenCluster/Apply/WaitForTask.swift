import Dispatch
import Synchronization

/// Runs async work (the store's appends and hand-offs) from a thread of its own that is not on Swift's
/// cooperative pool — an applier's — and waits for it there.
func waitForTask(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<(any Error)?>(nil)
    Task {
        do {
            try await body()
        } catch {
            result.withLock { $0 = error }
        }
        done.signal()
    }
    done.wait()
    if let error = result.withLock({ $0 }) { throw error }
}
