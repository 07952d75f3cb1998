import Foundation
import LumenModel
import LumenQuery
import Testing

/// The first queries, through the native and the Prometheus-compatible API over real sockets.
struct QueryAPITests {
    static let json = ["Content-Type": "application/json"]
    static let protobuf = ["Content-Type": "application/x-protobuf"]

    private func loaded() async throws -> TestServer {
        let server = try await TestServer.start()
        _ = try await server.post("v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf)
        _ = try await server.post("v1/logs", body: Fixtures.logsBody(), headers: Self.protobuf)
        for minute in 0..<5 {
            let time = Fixtures.start - Int64(4 - minute) * 60 * Timestamp.nanosecondsPerSecond
            _ = try await server.post(
                "v1/metrics", body: Fixtures.metricsJSON(value: Double(10 * minute), at: time), headers: Self.json)
        }
        return server
    }

    private func query(_ server: TestServer, _ parameters: [String: String]) async throws -> QueryResponse {
        let response = try await server.get("lumen/v1/query", query: parameters)
        #expect(response.status == 200, "\(response.text)")
        return try JSONDecoder().decode(QueryResponse.self, from: response.body)
    }

    @Test func aMetricSelectorGivesTheLatestValuePerSeries() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let at = "\(Double(Fixtures.start) / 1e9)"
        let result = try await query(server, ["query": #"http_server_requests_total{service="cart"}"#, "time": at])
        #expect(result.kind == .vector)
        #expect(result.series?.count == 1)
        #expect(result.series?.first?.points.first?.v == "40")
        #expect(result.series?.first?.labels["http_route"] == "/cart")
        let none = try await query(server, ["query": #"http_server_requests_total{service="nope"}"#, "time": at])
        #expect(none.series?.isEmpty == true)
    }

    @Test func aMetricSelectorOverARangeGivesOnePointPerStep() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let end = Double(Fixtures.start) / 1e9
        let result = try await query(
            server,
            ["query": "http_server_requests_total", "start": "\(end - 240)", "end": "\(end)", "step": "60"])
        #expect(result.kind == .matrix)
        #expect(result.series?.first?.points.map(\.v) == ["0", "10", "20", "30", "40"])
    }

    @Test func thePrometheusAPIAnswersInPrometheusShape() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let at = "\(Double(Fixtures.start) / 1e9)"
        let response = try await server.get("api/v1/query", query: ["query": "http_server_requests_total", "time": at])
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        #expect(object?["status"] as? String == "success")
        let data = object?["data"] as? [String: Any]
        #expect(data?["resultType"] as? String == "vector")
        let first = (data?["result"] as? [[String: Any]])?.first
        #expect((first?["value"] as? [Any])?.last as? String == "40")
        #expect((first?["metric"] as? [String: String])?["__name__"] == "http_server_requests_total")

        let labels = try await server.get("api/v1/label/service/values")
        #expect(labels.text.contains("cart"))
        let bad = try await server.get("api/v1/query", query: ["query": "up{"])
        #expect(bad.status == 400)
        #expect(bad.text.contains("bad_data"))
    }

    @Test func aLogSelectorWithALineFilterGivesInTimeOrderUpToTheLimit() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let all = try await query(server, ["query": #"{service=~"payment|checkout"}"#, "since": "1h"])
        #expect(all.logs?.map(\.level) == ["error", "warn", "info"])
        let limited = try await query(server, ["query": #"{service=~"payment|checkout"}"#, "since": "1h", "limit": "1"])
        #expect(limited.logs?.count == 1)
        let filtered = try await query(server, ["query": #"{service="payment"} |= "declined""#, "since": "1h"])
        #expect(filtered.logs?.map(\.body) == [.string("payment declined: card_expired")])
        let severe = try await query(server, ["query": #"{service=~".+", severity>="warn"}"#, "since": "1h"])
        #expect(severe.logs?.count == 2)
    }

    @Test func aSpanSelectorFindsTheTracesOfOneServicesSlowSpans() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let slow = try await query(server, ["query": #"{service="payment" && duration > 500ms}"#, "since": "1h"])
        #expect(slow.kind == .traces)
        #expect(slow.traces?.flatMap(\.spans).map(\.name) == ["Charge"])
        let fast = try await query(server, ["query": #"{service="payment" && duration > 1s}"#, "since": "1h"])
        #expect(fast.traces?.isEmpty == true)
        let errors = try await query(server, ["query": "{status=error}", "since": "1h"])
        #expect(Set(errors.traces?.flatMap(\.spans).map(\.service) ?? []) == ["frontend", "payment"])
    }

    @Test func aBadQuerySaysWhereAndWhat() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let response = try await server.get("lumen/v1/query", query: ["query": #"{service="a" && duration > }"#])
        #expect(response.status == 400)
        #expect(response.text.contains("column"))
        let missing = try await server.get("lumen/v1/traces/\(String(repeating: "ab", count: 16))")
        #expect(missing.status == 404)
        let flush = try await server.post("api/v1/admin/flush", body: Data(), headers: [:], api: true)
        #expect(flush.status == 200, "\(flush.text)")
    }
}
