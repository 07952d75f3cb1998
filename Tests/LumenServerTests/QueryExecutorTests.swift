import Foundation
import Testing

/// Queries run on threads of their own, admitted up to a limit: one more is told to come back (503 with
/// Retry-After, Prometheus' `unavailable`) instead of queueing on the threads ingest needs.
struct QueryExecutorTests {
    /// About a hundred thousand evaluations: long enough to still be running when the second query arrives.
    static let slow = "max_over_time(max_over_time(vector(1)[200s:1s])[1000s:1s])"

    @Test func aQueryPastTheConcurrencyLimitIsToldToRetry() async throws {
        let server = try await TestServer.start { $0.maxConcurrentQueries = 1 }
        defer { Task { await server.stop() } }
        let first = Task { try await server.get("api/v1/query", query: ["query": Self.slow, "time": "2000"]) }
        var refused: TestServer.HTTPResult?
        for _ in 0..<50 where refused == nil {
            try await Task.sleep(for: .milliseconds(20))
            let second = try await server.get("api/v1/query", query: ["query": "vector(1)", "time": "2000"])
            if second.status == 503 { refused = second }
        }
        #expect(refused?.headers["retry-after"] == "1")
        #expect(refused?.text.contains(#""errorType":"unavailable""#) == true)
        #expect(try await first.value.status == 200)
        // Once the slow one is done, the next is admitted.
        #expect(try await server.get("api/v1/query", query: ["query": "vector(1)", "time": "2000"]).status == 200)
    }
}
