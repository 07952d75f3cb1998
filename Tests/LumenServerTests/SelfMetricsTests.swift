import Foundation
import Logging
import LumenEngine
import LumenModel
import Testing

@testable import LumenServer

/// Lumen stores its own metrics in tenant `_lumen` every interval, so they have history and PromQL reaches
/// them; no client may write there, and once tokens are set the admin token reads it.
struct SelfMetricsTests {
    static let selfTenant = ["X-Scope-OrgID": "_lumen"]

    /// `query_range` over the last minute of `query` as `headers` sees it: the points of each series.
    private static func history(_ server: TestServer, _ query: String, headers: [String: String]) async throws
        -> [[Any]]
    {
        let now = Timestamp.now() / Timestamp.nanosecondsPerSecond
        let response = try await server.get(
            "api/v1/query_range", query: ["query": query, "start": "\(now - 60)", "end": "\(now + 1)", "step": "1"],
            headers: headers)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        let result = (object?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return result.compactMap { $0["values"] as? [Any] }
    }

    private static func poll(within limit: Duration = .seconds(20), _ condition: () async throws -> Bool)
        async throws -> Bool
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func afterAFewIntervalsLumensOwnSeriesAreQueryableWithHistory() async throws {
        let server = try await TestServer.start { $0.selfMetricsSeconds = 1 }
        defer { Task { await server.stop() } }
        let ingested = try await server.post(
            "v1/metrics", body: Fixtures.metricsJSON(), headers: ["Content-Type": "application/json"])
        #expect(ingested.status == 200)
        let found = try await Self.poll {
            let series = try await Self.history(
                server, #"lumen_ingest_accepted_total{protocol="otlp_http",signal="samples"}"#,
                headers: Self.selfTenant)
            return (series.first?.count ?? 0) >= 2
        }
        #expect(found, "two snapshots of lumen_ingest_accepted_total in tenant _lumen")
        // Lumen's series are its own tenant's: the anonymous tenant sees none of them.
        #expect(try await Self.history(server, "lumen_head_series", headers: [:]).isEmpty)
        let rate = try await server.get(
            "api/v1/query", query: ["query": "sum(rate(lumen_wal_fsync_duration_seconds_count[1m]))"],
            headers: Self.selfTenant)
        #expect(rate.status == 200 && rate.text.contains(#""resultType":"vector""#), "\(rate.text)")
    }

    @Test func inAClusterEverySeriesNamesItsNode() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("self-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: Logger(label: "test"))
        defer { try? storage.close() }
        let recorder = SelfMetricsRecorder(
            storage: storage, interval: .seconds(15), node: "node-2",
            exposition: { "lumen_head_series 3\nlumen_ingest_accepted_total{signal=\"spans\"} 7\n" },
            logger: Logger(label: "test"))
        await recorder.record()
        let labels = try storage.series(ReadRequest(tenant: .selfMetrics)).map(\.labels.description).sorted()
        #expect(labels == [
            #"lumen_head_series{node="node-2"}"#, #"lumen_ingest_accepted_total{node="node-2", signal="spans"}"#,
        ])
    }

    @Test func noClientWritesToTheSelfMetricsTenant() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let otlp = try await server.post(
            "v1/metrics", body: Fixtures.metricsJSON(),
            headers: ["Content-Type": "application/json", "X-Scope-OrgID": "_lumen"])
        #expect(otlp.status == 403, "\(otlp.text)")
        #expect(otlp.text.contains("_lumen"))
        let loki = try await server.post(
            "loki/api/v1/push", body: Data(#"{"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]}"#.utf8),
            headers: ["Content-Type": "application/json", "X-Scope-OrgID": "_lumen"])
        #expect(loki.status == 403, "\(loki.text)")
    }

    @Test func withTokensTheAdminTokenReadsTheSelfMetricsTenantAndOnlyIt() async throws {
        let server = try await TestServer.start {
            $0.selfMetricsSeconds = 1
            $0.tokens = ["token-a": Tenant("team-a")!]
            $0.adminToken = "the-operator"
        }
        defer { Task { await server.stop() } }
        let admin = ["Authorization": "Bearer the-operator"]
        #expect(try await Self.poll { !(try await Self.history(server, "lumen_head_series", headers: admin).isEmpty) })
        #expect(try await Self.history(server, "lumen_head_series", headers: ["Authorization": "Bearer token-a"])
            .isEmpty)
        let elsewhere = try await server.get(
            "api/v1/query", query: ["query": "up"], headers: admin.merging(["X-Scope-OrgID": "team-a"]) { $1 })
        #expect(elsewhere.status == 403)
        let write = try await server.post(
            "v1/metrics", body: Fixtures.metricsJSON(),
            headers: admin.merging(["Content-Type": "application/json"]) { $1 })
        #expect(write.status == 403)
    }
}
