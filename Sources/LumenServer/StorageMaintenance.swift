import Logging
import LumenEngine
import ServiceLifecycle

/// Runs the store's maintenance — cut the head into blocks when due, drop blocks past retention, compact —
/// every `interval` until shutdown. A failed step is logged and retried next time, never fatal: the data it
/// concerns is still in the log or in the blocks it did not replace.
struct StorageMaintenance: Service {
    let storage: Storage
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await everyInterval(interval) {
            do {
                try await storage.maintain()
            } catch {
                logger.error("store maintenance failed; retrying later", metadata: ["error": "\(error)"])
            }
        }
    }
}
