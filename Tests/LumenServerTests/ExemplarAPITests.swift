import Foundation
import LumenModel
import LumenQuery
import Testing

/// Exemplars sent with OTLP histograms come back with metric answers and from Prometheus' exemplar API,
/// over real sockets, so a latency spike leads to its trace.
struct ExemplarAPITests {
    static let traceID = "5b8efff798038103d269b633813fc60c"

    /// A latency histogram with one slow request's exemplar in the `le="1"` bucket.
    static func histogramJSON(at time: Int64) -> Data {
        Data("""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
             "scopeMetrics":[{"metrics":[{"name":"http.server.duration","unit":"s",
               "histogram":{"aggregationTemporality":2,"dataPoints":[
                 {"timeUnixNano":"\(time)","count":"3","sum":1.2,"explicitBounds":[0.1,1],"bucketCounts":["1","2","0"],
                  "exemplars":[{"timeUnixNano":"\(time - 1_000_000)","asDouble":0.9,
                                "traceId":"\(traceID)","spanId":"eee19b7ec3c1b174"}]}]}}]}]}]}
            """.utf8)
    }

    @Test func aMetricAnswerCarriesTheExemplarsOfTheSeriesItRead() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let sent = try await server.post(
            "v1/metrics", body: Self.histogramJSON(at: Fixtures.start), headers: ["Content-Type": "application/json"])
        #expect(sent.status == 200 && !sent.text.contains("rejected"), "\(sent.text)")

        let at = "\(Double(Fixtures.start) / 1e9)"
        let response = try await server.get(
            "lumen/v1/query", query: ["query": "sum by (le) (http_server_duration_seconds_bucket)", "time": at])
        let answer = try JSONDecoder().decode(QueryResponse.self, from: response.body)
        #expect(answer.kind == .vector)
        let exemplars = try #require(answer.exemplars)
        #expect(exemplars.count == 1)
        #expect(exemplars.first?.labels["le"] == "1")
        #expect(exemplars.first?.exemplars.map(\.traceId) == [Self.traceID])
        #expect(exemplars.first?.exemplars.first?.labels["span_id"] == "eee19b7ec3c1b174")
        #expect(exemplars.first?.exemplars.first?.v == "0.9")

        let none = try await server.get("lumen/v1/query", query: ["query": "up", "time": at])
        #expect(try JSONDecoder().decode(QueryResponse.self, from: none.body).exemplars == nil)
    }

    @Test func thePrometheusExemplarAPIAnswersInPrometheusShape() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.post(
            "v1/metrics", body: Self.histogramJSON(at: Fixtures.start), headers: ["Content-Type": "application/json"])
        let seconds = Double(Fixtures.start) / 1e9
        let response = try await server.get("api/v1/query_exemplars", query: [
            "query": #"rate(http_server_duration_seconds_bucket{service="cart"}[5m])"#,
            "start": "\(seconds - 60)", "end": "\(seconds + 60)",
        ])
        #expect(response.status == 200, "\(response.text)")
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        #expect(object?["status"] as? String == "success")
        let data = try #require(object?["data"] as? [[String: Any]])
        #expect(data.count == 1)
        #expect((data.first?["seriesLabels"] as? [String: String])?["le"] == "1")
        let exemplar = try #require((data.first?["exemplars"] as? [[String: Any]])?.first)
        #expect((exemplar["labels"] as? [String: String])?["trace_id"] == Self.traceID)
        #expect(exemplar["value"] as? String == "0.9")
        #expect(abs((exemplar["timestamp"] as? Double ?? 0) - (seconds - 0.001)) < 1e-3)

        let outside = try await server.get("api/v1/query_exemplars", query: [
            "query": "http_server_duration_seconds_bucket", "start": "\(seconds + 10)", "end": "\(seconds + 60)",
        ])
        #expect(String(decoding: outside.body, as: UTF8.self).contains(#""data":[]"#))
    }
}
