import Logging
import LumenEngine
import ServiceLifecycle

/// Runs the store's maintenance — cut the head into blocks when due, drop blocks past retention, compact (unless
/// `mayMerge` says no) — every `interval` until shutdown. A failed step is logged and retried next time, never
/// fatal: the data it concerns is still in the log or in the blocks it did not replace.
struct StorageMaintenance: Service {
    let storage: Storage
    let interval: Duration
    let logger: Logger
    /// Whether a merge may start now (`Storage.maintain`): not near the memory ceiling or under overload
    /// (`AdmissionGate.mayMerge`).
    let mayMerge: @Sendable () -> Bool

    func run() async throws {
        await everyInterval(interval) {
            do {
                try await storage.maintain(mayMerge: mayMerge)
            } catch {
                logger.error("store maintenance failed; retrying later", metadata: ["error": "\(error)"])
            }
        }
    }
}
