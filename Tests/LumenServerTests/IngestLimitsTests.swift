import Foundation
import LumenModel
import LumenWire
import Synchronization
import Testing
import Yams

@testable import LumenServer

/// Limits, tenants by token, overload and self-telemetry, through the real server.
struct IngestLimitsTests {
    static let json = ["Content-Type": "application/json"]

    @Test func aSeriesOverALimitIsRefusedByNameWhileTheRestIsKept() async throws {
        let server = try await TestServer.start { $0.limits.defaults.maxLabelsPerSeries = 3 }
        defer { Task { await server.stop() } }
        // http.route + service + __name__ = 3 labels: within; a fourth attribute breaks the limit.
        let ok = try await server.post("v1/metrics", body: Fixtures.metricsJSON(), headers: Self.json)
        #expect(ok.status == 200)
        let wide = String(decoding: Fixtures.metricsJSON(), as: UTF8.self).replacingOccurrences(
            of: #"{"key":"http.route","value":{"stringValue":"/cart"}}"#,
            with: #"{"key":"http.route","value":{"stringValue":"/cart"}},{"key":"extra","value":{"stringValue":"x"}}"#)
        let refused = try await server.post("v1/metrics", body: Data(wide.utf8), headers: Self.json)
        #expect(refused.status == 200)
        let partial = try JSONSerialization.jsonObject(with: refused.body) as? [String: Any]
        let details = partial?["partialSuccess"] as? [String: Any]
        #expect("\(details?["rejectedDataPoints"] ?? "")" == "1")
        #expect((details?["errorMessage"] as? String)?.contains("over the limit of 3") == true)

        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"lumen_ingest_rejected_total{protocol="otlp_http",signal="samples",reason="max_labels_per_series"} 1"#))
        #expect(metrics.contains(#"lumen_ingest_accepted_total{protocol="otlp_http",signal="samples"} 1"#))
        #expect(metrics.contains("lumen_wal_fsync_duration_seconds_bucket"))
        #expect(metrics.contains("lumen_head_series 1"))
    }

    @Test func newSeriesPastTheActiveSeriesLimitAreRefused() async throws {
        let server = try await TestServer.start { $0.limits.defaults.maxActiveSeries = 1 }
        defer { Task { await server.stop() } }
        #expect(try await server.post("v1/metrics", body: Fixtures.metricsJSON(), headers: Self.json).status == 200)
        let other = String(decoding: Fixtures.metricsJSON(), as: UTF8.self).replacingOccurrences(of: "/cart", with: "/pay")
        let response = try await server.post("v1/metrics", body: Data(other.utf8), headers: Self.json)
        #expect(response.text.contains("refused by max_active_series"))
        #expect(response.text.contains("the limit is 1"))
        // The series already there still takes new samples.
        let later = Fixtures.metricsJSON(value: 50, at: Fixtures.start + 1_000_000_000)
        let again = try await server.post("v1/metrics", body: later, headers: Self.json)
        #expect(again.status == 200)
        #expect(!again.text.contains("refused"))
    }

    @Test func linesOfNewLogStreamsPastTheStreamLimitAreRefused() async throws {
        let server = try await TestServer.start { $0.limits.defaults.maxActiveLogStreams = 2 }
        defer { Task { await server.stop() } }
        func push(_ services: [String], at time: Int64 = Fixtures.start) async throws -> TestServer.HTTPResult {
            let streams = services.map { service in
                #"{"stream":{"service":"\#(service)"},"values":[["\#(time)","a line from \#(service)"]]}"#
            }
            return try await server.post(
                "loki/api/v1/push", body: Data(#"{"streams":[\#(streams.joined(separator: ","))]}"#.utf8),
                headers: Self.json)
        }
        let refused = try await push(["a", "b", "c"])
        #expect(refused.text.contains("max_active_log_streams"), "\(refused.text)")
        #expect(refused.text.contains("the limit is 2"), "\(refused.text)")
        // Lines of the streams already there are still taken.
        let again = try await push(["a"], at: Fixtures.start + 1)
        #expect(again.status == 204, "\(again.text)")
        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"signal="logs",reason="max_active_log_streams"} 1"#), "\(metrics)")
    }

    @Test func overTheMemoryCeilingIngestAnswers503WithRetryAfter() async throws {
        let server = try await TestServer.start { $0.memoryCeilingBytes = 1 }
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/traces", body: Fixtures.tracesBody(), headers: ["Content-Type": "application/x-protobuf"])
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "10")
        #expect(try await server.get("metrics").text.contains(#"reason="overload""#))
        // Refused before its body is read: a body that would not even decode gets the same answer, not a 400.
        let garbage = try await server.post(
            "v1/traces", body: Data([0xFF, 0xFF, 0xFF]), headers: ["Content-Type": "application/x-protobuf"])
        #expect(garbage.status == 503, "\(garbage.text)")
        #expect(garbage.text.contains("memory ceiling"), "\(garbage.text)")
    }

    @Test func tokensDecideTheTenantAndAreRequiredOnceConfigured() async throws {
        let server = try await TestServer.start { $0.tokens = ["t0ken": Tenant("team-a")!] }
        defer { Task { await server.stop() } }
        let body = Fixtures.tracesBody()
        let protobuf = ["Content-Type": "application/x-protobuf"]
        #expect(try await server.post("v1/traces", body: body, headers: protobuf).status == 401)
        let wrong = protobuf.merging(["Authorization": "Bearer t0ken", "X-Scope-OrgID": "team-b"]) { $1 }
        #expect(try await server.post("v1/traces", body: body, headers: wrong).status == 403)
        let right = protobuf.merging(["Authorization": "Bearer t0ken"]) { $1 }
        #expect(try await server.post("v1/traces", body: body, headers: right).status == 200)
        let path = "lumen/v1/traces/\(Fixtures.traceID.hex)"
        #expect(try await server.get(path, headers: ["Authorization": "Bearer t0ken"]).status == 200)
        #expect(try await server.get(path).status == 401)
    }

    @Test func theAdmissionGateRefusesWhatWouldPassItsInFlightBound() throws {
        let gate = AdmissionGate(maxInFlightBytes: 100, memoryCeiling: .max)
        try gate.admit(80)
        #expect(throws: AdmissionGate.Refusal.self) { try gate.admit(30) }
        try gate.admit(20)
        gate.release(80)
        gate.release(20)
        try gate.admit(500)  // alone, a request may always pass: the body limit bounds it
        #expect(gate.inFlightBytes == 500)
    }

    /// However far the resident set lags, ingest stops while the heads held in memory (live, being cut, handed
    /// off) pass a quarter of the ceiling by their own count, a head being cut counted with its cut's working
    /// memory (a quarter of it), and resumes once a cut brings them under.
    @Test func theAdmissionGateRefusesWhileTheHeadsHoldTheirShareOfTheCeiling() throws {
        let heads = Mutex((held: 0, cutting: 0))
        let ceiling = 1 << 50  // far above any resident set
        let gate = AdmissionGate(maxInFlightBytes: 100, memoryCeiling: ceiling, heads: { heads.withLock { $0 } })
        heads.withLock { $0.held = ceiling / 4 }
        try gate.checkMemoryCeiling()
        heads.withLock { $0.held += 1 }
        #expect {
            try gate.admit(10)
        } throws: { error in
            guard case .headsOverBudget(let bytes, let limit, ceiling)? = error as? AdmissionGate.Refusal else { return false }
            return bytes == limit + 1 && limit == gate.headLimit
        }
        #expect(gate.inFlightBytes == 0)
        #expect(!gate.mayMerge, "a merge would hold up the cuts that end the refusals")
        heads.withLock { $0 = (held: 0, cutting: 0) }
        try gate.admit(10)
        gate.release(10)
        // A head of one cut size being written, and a live one: the live head may fill to 3/4 of a cut size.
        let cut = gate.headCutBytes
        heads.withLock { $0 = (held: cut + cut / 4 * 3, cutting: cut) }
        #expect(gate.headBytes == gate.headLimit)
        try gate.checkMemoryCeiling()
        heads.withLock { $0.held += 1 }
        #expect(throws: AdmissionGate.Refusal.self) { try gate.checkMemoryCeiling() }
    }

    /// A storage node's partition stores (`countHeads`) count with its own store: together past the heads' share,
    /// ingest is refused and the appliers stop fetching (`mayApplyMore`).
    @Test func thePartitionStoresHeadsCountWithTheNodesOwn() throws {
        let ceiling = 1 << 50
        let gate = AdmissionGate(maxInFlightBytes: 100, memoryCeiling: ceiling, heads: { (held: ceiling / 8, cutting: 0) })
        let partitions = Mutex((held: 0, cutting: 0))
        gate.countHeads { partitions.withLock { $0 } }
        #expect(gate.mayApplyMore)
        partitions.withLock { $0 = (held: ceiling / 8, cutting: 4) }
        #expect(gate.headBytes == gate.headLimit + 1)
        #expect(!gate.mayApplyMore)
        #expect(throws: AdmissionGate.Refusal.self) { try gate.admit(10) }
        partitions.withLock { $0 = (held: 0, cutting: 0) }
        #expect(gate.mayApplyMore)
    }

    @Test func mergesMayStartOnlyAwayFromTheCeilingAndRefusals() throws {
        #expect(AdmissionGate(maxInFlightBytes: 100, memoryCeiling: .max).mayMerge)
        #expect(!AdmissionGate(maxInFlightBytes: 100, memoryCeiling: 1_000).mayMerge, "past the pressure limit")
        let busy = AdmissionGate(maxInFlightBytes: 100, memoryCeiling: .max)
        try busy.admit(100)
        #expect(throws: AdmissionGate.Refusal.self) { try busy.admit(1) }
        busy.release(100)
        #expect(!busy.mayMerge, "within \(AdmissionGate.mergeQuiet) of a refusal")
    }

    @Test func aConfigurationFileSetsListenersLimitsAndTenants() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-\(UUID()).yaml").path
        try """
            listen:
              api: 127.0.0.1:19470
              statsd: "off"
            limits:
              defaults:
                max_active_series: 10
              tenants:
                team-a:
                  max_log_line_bytes: 100
            tokens:
              abc: team-a
            """.write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration()
        try ConfigurationFile.load(path).apply(to: &configuration)
        #expect(configuration.api == ListenAddress(host: "127.0.0.1", port: 19470))
        #expect(configuration.statsd == nil)
        #expect(configuration.limits.defaults.maxActiveSeries == 10)
        #expect(configuration.limits.limits(for: Tenant("team-a")!).maxLogLineBytes == 100)
        #expect(configuration.tokens["abc"] == Tenant("team-a"))
        let printed = try ConfigurationFile(configuration).yaml()
        #expect(printed.contains("max_active_series: 10"))
        #expect(!printed.contains("abc"))

        try "limits:\n  defaults:\n    max_active_series: -1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationFile.Error.self) { try ConfigurationFile.load(path) }
    }

    @Test func aConfigurationFileSetsStorageAndQueryLimitsAndPrintsThemBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            storage:
              retention: 7d
              ooo_window: 30m
              block_duration: 1h
              compaction_min_blocks: 3
            query:
              timeout: 30s
              max_samples: 1000
            """.write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration()
        try ConfigurationFile.load(path).apply(to: &configuration)
        #expect(configuration.storage.retention == 7 * 24 * 3600 * 1_000_000_000)
        #expect(configuration.storage.outOfOrderWindow == 30 * 60 * 1_000_000_000)
        #expect(configuration.storage.headMaxAge == 3600 * 1_000_000_000)
        #expect(configuration.storage.compactionMinBlocks == 3)
        #expect(configuration.queryLimits.timeout == .seconds(30))
        #expect(configuration.queryLimits.maxSamples == 1000)
        let printed = try ConfigurationFile(configuration).yaml()
        var reread = ServerConfiguration()
        try YAMLDecoder().decode(ConfigurationFile.self, from: printed).apply(to: &reread)
        #expect(reread == configuration, "--print-config gives back what was read")

        try "storage:\n  retention: soon\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigurationFile.Error.self) {
            try ConfigurationFile.load(path).apply(to: &configuration)
        }
        #expect(error.description.contains("storage.retention"))
    }
}
