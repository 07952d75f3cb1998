import Hummingbird
import LumenEngine

/// Liveness, readiness, self-telemetry and maintenance.
struct AdminRoutes: Sendable {
    let storage: Storage
    let telemetry: SelfTelemetry
    let gate: AdmissionGate

    func register(on router: Router<BasicRequestContext>) {
        // The server only listens once the write-ahead log is replayed, so answering at all means ready.
        router.get("/ready") { _, _ in Response.text("ready") }
        router.get("/healthy") { _, _ in Response.text("healthy") }
        router.get("/metrics") { _, _ in
            let text = self.telemetry.exposition(
                head: self.storage.head.statistics, inFlightBytes: self.gate.inFlightBytes,
                residentBytes: self.gate.residentBytes())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/api/v1/admin/flush") { _, _ in
            try await self.storage.flush()
            return Response.text("flushed")
        }
        router.get("/lumen/v1/status") { _, _ in
            Response.json(StoreStatus(head: self.storage.head.statistics, wal: self.storage.walStats))
        }
    }
}

/// What the store holds and what its log has done since start-up, all tenants together.
struct StoreStatus: Encodable {
    struct HeadCounts: Encodable {
        let tenants, series, samples, logStreams, logs, spans, traces: Int
    }

    struct LogCounts: Encodable {
        /// Records and bytes appended since start-up, and how many fsyncs and group commits that took.
        let records, bytes, fsyncs, commits, segments: Int
    }

    let head: HeadCounts
    let wal: LogCounts

    init(head: Head.Statistics, wal: WALStats) {
        self.head = HeadCounts(
            tenants: head.tenants, series: head.series, samples: head.samples, logStreams: head.logStreams,
            logs: head.logs, spans: head.spans, traces: head.traces)
        self.wal = LogCounts(
            records: wal.records, bytes: wal.bytes, fsyncs: wal.fsyncs, commits: wal.commits, segments: wal.segments)
    }
}
