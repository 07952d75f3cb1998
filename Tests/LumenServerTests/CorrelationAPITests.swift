import Foundation
import LumenModel
import LumenQuery
import Testing

/// The correlation routes and the new query kinds, over real sockets: the service graph, a trace as OTLP JSON,
/// log metrics and trace searches through `/lumen/v1/query`.
struct CorrelationAPITests {
    private func loaded() async throws -> TestServer {
        let server = try await TestServer.start()
        let protobuf = ["Content-Type": "application/x-protobuf"]
        _ = try await server.post("v1/traces", body: Fixtures.tracesBody(), headers: protobuf)
        _ = try await server.post("v1/logs", body: Fixtures.logsBody(), headers: protobuf)
        return server
    }

    @Test func theServiceGraphAnswersEdgesAndServicesInTheDashboardShape() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let end = Double(Fixtures.start) / 1e9 + 10
        let response = try await server.get(
            "lumen/v1/service-graph", query: ["start": "\(end - 60)", "end": "\(end)"])
        #expect(response.status == 200, "\(response.text)")
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect(object["status"] as? String == "success")
        let graph = try JSONDecoder().decode(ServiceGraphResponse.self, from: response.body).data
        #expect(graph.edges.map { "\($0.caller)→\($0.callee)" } == ["checkout→payment", "frontend→checkout"])
        let payment = try #require(graph.edges.first { $0.callee == "payment" })
        #expect(payment.stats.calls == 1 && payment.stats.errors == 1)
        #expect(abs(payment.stats.p99 - 0.78) < 1e-9)
        // One call: over one second, not over the minute asked for.
        #expect(payment.stats.rate == 1 && payment.stats.rateSeconds == 1)
        #expect(graph.services.map(\.service) == ["checkout", "frontend", "payment"])
        let other = try await server.get(
            "lumen/v1/service-graph", query: ["start": "\(end - 60)", "end": "\(end)"], headers: ["X-Scope-OrgID": "other"])
        #expect(try JSONDecoder().decode(ServiceGraphResponse.self, from: other.body).data.edges.isEmpty)
    }

    @Test func aTraceByIDComesBackAsOTLPJSONWithHexIDs() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let response = try await server.get("api/traces/\(Fixtures.traceID.hex)")
        #expect(response.status == 200, "\(response.text)")
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let resourceSpans = try #require(object["resourceSpans"] as? [[String: Any]])
        #expect(resourceSpans.count == 3)
        let spans = resourceSpans.flatMap { resource in
            ((resource["scopeSpans"] as? [[String: Any]]) ?? []).flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
        }
        #expect(spans.count == 3)
        #expect(spans.allSatisfy { $0["traceId"] as? String == Fixtures.traceID.hex })
        let charge = try #require(spans.first { $0["name"] as? String == "Charge" })
        #expect(charge["spanId"] as? String == "0000000000000003")
        #expect(charge["parentSpanId"] as? String == "0000000000000002")
        #expect(charge["kind"] as? Int == 2)
        let missing = try await server.get("api/traces/\(String(repeating: "ab", count: 16))")
        #expect(missing.status == 404)
    }

    @Test func logMetricsAndTraceSearchesAnswerThroughTheNativeQueryAPI() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let at = "\(Double(Fixtures.start) / 1e9 + 10)"
        let counts = try await server.get("lumen/v1/query",
            query: ["query": #"sum by (service) (count_over_time({host="node-1"}[1m]))"#, "time": at])
        #expect(counts.status == 200, "\(counts.text)")
        let vector = try JSONDecoder().decode(QueryResponse.self, from: counts.body)
        #expect(vector.kind == .vector)
        #expect(Dictionary(uniqueKeysWithValues: (vector.series ?? []).map { ($0.labels["service"] ?? "", $0.points[0].v) })
            == ["payment": "2", "checkout": "1"])

        let traces = try await server.get("lumen/v1/query",
            query: ["query": #"traces({service="payment"} |= "declined")"#, "since": "1h"])
        let found = try JSONDecoder().decode(QueryResponse.self, from: traces.body)
        #expect(found.kind == .traces)
        #expect(found.traces?.map(\.traceId) == [Fixtures.traceID.hex])
        #expect(found.traces?.first?.rootServiceName == "frontend")
        #expect(found.traces?.first?.spanCount == 3 && found.traces?.first?.errorCount == 2)

        let structural = try await server.get("lumen/v1/query",
            query: ["query": #"{service="frontend"} >> {service="payment"} | count() = 1"#, "since": "1h"])
        #expect(try JSONDecoder().decode(QueryResponse.self, from: structural.body).traces?.first?.spans.map(\.name)
            == ["Charge"])

        let bad = try await server.get("lumen/v1/query", query: ["query": #"sum_over_time({service="payment"}[1m])"#])
        #expect(bad.status == 400)
        #expect(bad.text.contains("unwrap"))
    }
}
