import Foundation
import LumenModel
import Testing

/// Timestamps at the far end of time through the real OTLP receiver — the literal `time_unix_nano = 2^64-1` a
/// broken exporter sends, and the year 2200: refused by name and counted, and never in the way of the series' next
/// normal sample (issue 22, item 2).
struct TimeBoundsAPITests {
    static let json = ["Content-Type": "application/json"]

    @Test(arguments: ["18446744073709551615", "7258118400000000000"])
    func aPointAtTheFarEndOfTimeIsRefusedAndTheSeriesTakesTheNextOne(time: String) async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let far = String(decoding: Fixtures.metricsJSON(value: 1), as: UTF8.self)
            .replacingOccurrences(of: #""timeUnixNano":"\#(Fixtures.start)""#, with: #""timeUnixNano":"\#(time)""#)
        #expect(far.contains(time))
        let refused = try await server.post("v1/metrics", body: Data(far.utf8), headers: Self.json)
        #expect(refused.status == 200, "\(refused.text)")
        let partial = (try JSONSerialization.jsonObject(with: refused.body) as? [String: Any])?["partialSuccess"]
            as? [String: Any]
        #expect("\(partial?["rejectedDataPoints"] ?? "")" == "1", "\(refused.text)")
        #expect((partial?["errorMessage"] as? String)?.contains("ahead of the server's clock") == true, "\(refused.text)")

        let normal = try await server.post("v1/metrics", body: Fixtures.metricsJSON(value: 7), headers: Self.json)
        #expect(normal.status == 200 && !normal.text.contains("refused"), "\(normal.text)")
        let at = "\(Fixtures.start / Timestamp.nanosecondsPerSecond)"
        let value = try await server.get("api/v1/query", query: ["query": "http_server_requests_total", "time": at])
        #expect(value.text.contains(#""7""#), "\(value.text)")
        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"signal="samples",reason="too_far_in_future"} 1"#), "\(metrics.prefix(2000))")
    }
}
