import Hummingbird
import LumenCluster
import LumenEngine

/// Liveness, readiness, self-telemetry and maintenance. Once tokens are configured, everything but `/ready` and
/// `/healthy` (which supervisors probe) needs the admin token (`TenantResolver.authorizeAdmin`).
struct AdminRoutes: Sendable {
    let storage: Storage
    let telemetry: SelfTelemetry
    let gate: AdmissionGate
    let connections: ConnectionBudget
    let tenants: TenantResolver
    /// In a cluster with a shared block store, a flush also flushes the partitions this node holds.
    var cluster: ClusterNode? = nil

    func register(on router: Router<BasicRequestContext>) {
        // The server only listens once the write-ahead log is replayed, so answering means ready, unless the
        // store has stopped accepting writes.
        router.get("/ready") { _, _ in
            if let reason = self.storage.unwritableReason {
                return Response.text("not ready: the store refuses writes: \(reason)", status: .serviceUnavailable)
            }
            return Response.text("ready")
        }
        router.get("/healthy") { _, _ in Response.text("healthy") }
        router.get("/metrics") { request, _ in
            try self.tenants.authorizeAdmin(request)
            let text = self.telemetry.exposition(storage: self.storage, gate: self.gate, connections: self.connections)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/api/v1/admin/flush") { request, _ in
            try self.tenants.authorizeAdmin(request)
            return try await self.maintenance("flushed") {
                try await self.storage.flush()
                do {
                    try await self.cluster?.flushHeldPartitions()
                } catch let failure as PartitionFlushFailure {
                    throw APIError(.serviceUnavailable, "\(failure)", retryAfterSeconds: 1)
                }
            }
        }
        router.post("/api/v1/admin/compact") { request, _ in
            try self.tenants.authorizeAdmin(request)
            return try await self.maintenance("compacted") { try await self.storage.compactNow() }
        }
        router.get("/lumen/v1/status") { request, _ in
            try self.tenants.authorizeAdmin(request)
            return Response.json(StoreStatus(
                head: self.storage.head.statistics, blocks: self.storage.blocks, wal: self.storage.walStats))
        }
    }

    /// Runs a maintenance step for an admin request. A full disk is a state, not a server error: 507 with
    /// `Retry-After` (the step left nothing half-written and maintenance retries it), instead of a 500.
    private func maintenance(_ done: String, _ step: () async throws -> Void) async throws -> Response {
        do {
            try await step()
        } catch where DiskFull.caused(error) {
            var response = Response.text("the disk holding the store is full: \(error)", status: .insufficientStorage)
            response.headers[.retryAfter] = String(IngestRefusal.diskFullRetryAfterSeconds)
            return response
        }
        return Response.text(done)
    }
}

/// What the store holds and what its log has done since start-up, all tenants together.
struct StoreStatus: Encodable {
    struct HeadCounts: Encodable {
        let tenants, series, samples, logStreams, logs, spans, traces, bytes: Int
    }

    struct BlockCounts: Encodable {
        let count, bytes, series, samples, logs, spans: Int
        let minTime, maxTime: Int64?
    }

    struct LogCounts: Encodable {
        /// Records and bytes appended since start-up, and how many fsyncs and group commits that took.
        let records, bytes, fsyncs, commits, segments: Int
    }

    let head: HeadCounts
    let blocks: BlockCounts
    let wal: LogCounts

    init(head: Head.Statistics, blocks: [Block], wal: WALStats) {
        self.head = HeadCounts(
            tenants: head.tenants, series: head.series, samples: head.samples, logStreams: head.logStreams,
            logs: head.logs, spans: head.spans, traces: head.traces, bytes: head.bytes)
        self.blocks = BlockCounts(
            count: blocks.count, bytes: blocks.reduce(0) { $0 + $1.bytes() },
            series: blocks.reduce(0) { $0 + ($1.meta.metrics?.series ?? 0) },
            samples: blocks.reduce(0) { $0 + ($1.meta.metrics?.samples ?? 0) },
            logs: blocks.reduce(0) { $0 + ($1.meta.logs?.records ?? 0) },
            spans: blocks.reduce(0) { $0 + ($1.meta.spans?.spans ?? 0) },
            minTime: blocks.map(\.meta.minTime).min(), maxTime: blocks.map(\.meta.maxTime).max())
        self.wal = LogCounts(
            records: wal.records, bytes: wal.bytes, fsyncs: wal.fsyncs, commits: wal.commits, segments: wal.segments)
    }
}
