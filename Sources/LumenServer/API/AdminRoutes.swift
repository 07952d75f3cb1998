import Hummingbird
import LumenEngine

/// Liveness, readiness and maintenance.
struct AdminRoutes: Sendable {
    let storage: Storage

    func register(on router: Router<BasicRequestContext>) {
        // The server only listens once the write-ahead log is replayed, so answering at all means ready.
        router.get("/ready") { _, _ in Response.text("ready") }
        router.get("/healthy") { _, _ in Response.text("healthy") }
        router.post("/api/v1/admin/flush") { _, _ in
            try await self.storage.flush()
            return Response.text("flushed")
        }
    }
}
