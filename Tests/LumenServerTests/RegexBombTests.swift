import Foundation
import LumenModel
import LumenWire
import Testing

/// Regexes with catastrophic backtracking against the value that triggers it (22 `a`s and a `!`): with a
/// backtracking engine each query ran for minutes and starved ingest; matched in linear time, each answers
/// at once, and the same data is still found by a regex that does match it.
struct RegexBombTests {
    static let bomb = String(repeating: "a", count: 22) + "!"

    @Test func catastrophicRegexesAnswerWithinSeconds() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let metrics = String(decoding: Fixtures.metricsJSON(), as: UTF8.self).replacingOccurrences(of: "/cart", with: Self.bomb)
        #expect(try await server.post(
            "v1/metrics", body: Data(metrics.utf8), headers: ["Content-Type": "application/json"]).status == 200)
        let log = LogRecord(time: Fixtures.start, severity: Severity(.info), body: .string(Self.bomb),
                            resource: Fixtures.resource(Self.bomb))
        let logs = OTLPEncoder.body(OTLPEncoder.logs([log]), format: .protobuf)
        #expect(try await server.post("v1/logs", body: logs, headers: ["Content-Type": "application/x-protobuf"]).status == 200)

        let time = String(Fixtures.start / Timestamp.nanosecondsPerSecond)
        let prometheus: [(String, Bool)] = [
            (#"{http_route=~"(a+)+$"}"#, false), (#"{__name__=~".+", http_route=~"(a|aa)*c"}"#, false),
            (#"{http_route!~"(a+)+$", http_route=~".*!"}"#, true), (#"{http_route=~"(a+)+!"}"#, true),
        ]
        for (query, found) in prometheus {
            let start = ContinuousClock.now
            let response = try await server.get("api/v1/query", query: ["query": query, "time": time])
            #expect(ContinuousClock.now - start < .seconds(30), "\(query)")
            #expect(response.status == 200, "\(query): \(response.text.prefix(300))")
            #expect(response.text.contains(Self.bomb) == found, "\(query): \(response.text.prefix(300))")
        }
        let native: [(String, Bool)] = [
            (#"{service=~"(a+)+$"}"#, false), (#"{service=~"a+!"} |~ "(a+)+$""#, false),
            (#"{service=~"a+!"} |~ "(x+x+)+y""#, false), (#"{service=~"(a+)+!"} |~ "^(a+)+!""#, true),
        ]
        for (query, found) in native {
            let start = ContinuousClock.now
            let response = try await server.get("lumen/v1/query", query: ["query": query, "since": "1h"])
            #expect(ContinuousClock.now - start < .seconds(30), "\(query)")
            #expect(response.status == 200, "\(query): \(response.text.prefix(300))")
            #expect(response.text.contains(Self.bomb) == found, "\(query): \(response.text.prefix(300))")
        }
        #expect(try await server.get("ready").status == 200)
    }
}
