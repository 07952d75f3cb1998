import Foundation
import Testing

/// Requests that used to kill the whole server: a client's number too large for nanoseconds (Swift traps on
/// overflow), a PromQL expression nested past the stack, and numbers that reached an integer conversion in
/// the evaluator. Each must answer 400 naming what was wrong, and the server must go on answering.
struct QueryOfDeathTests {
    static let badTimes: [(path: String, query: [String: String], names: String)] = [
        ("api/v1/query", ["query": "1", "time": "1e11"], "time"),
        ("api/v1/query", ["query": "1", "time": "1e300"], "time"),
        ("api/v1/query", ["query": "1", "time": "-1e11"], "time"),
        ("api/v1/query", ["query": "1", "time": "9999-12-31T23:59:59Z"], "time"),
        ("api/v1/query_range", ["query": "1", "start": "0", "end": "60", "step": "1e11"], "step"),
        ("api/v1/query_range", ["query": "1", "start": "-9e9", "end": "9e9", "step": "60"], "start"),
        ("api/v1/query_range", ["query": "1", "start": "0", "end": "1e300", "step": "60"], "end"),
        ("api/v1/query_exemplars", ["query": "up", "start": "-1e11"], "start"),
        ("api/v1/query_exemplars", ["query": "up", "end": "1e11"], "end"),
        ("api/v1/series", ["match[]": "up", "end": "1e11"], "end"),
        ("api/v1/series", ["match[]": "up", "start": "-1e300"], "start"),
        ("lumen/v1/query", ["query": "up", "since": "1e11"], "since"),
        ("lumen/v1/query", ["query": "up", "time": "1e11"], "end"),
        ("lumen/v1/query", ["query": "up", "start": "0", "end": "60", "step": "-1e300"], "step"),
        ("lumen/v1/service-graph", ["since": "1e11"], "since"),
        ("lumen/v1/service-graph", ["start": "-1e11"], "start"),
    ]

    static let badExpressions = [
        "up offset -290y", "up offset 290y", "up @ 1e11", "up @ -1e11", "up @ 1e300", "rate(up[300y])",
        "max_over_time(up[1m:1e11])", "(" + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_001),
        String(repeating: "-", count: 100_000) + "1", String(repeating: "1 ^ ", count: 10_000) + "1",
        String(repeating: "vector(1) or ", count: 10_000) + "vector(1)",
        String(repeating: "abs(", count: 10_000) + "vector(1)" + String(repeating: ")", count: 10_000),
    ]

    @Test func everyOutOfRangeTimeIsABadRequestNamingTheParameter() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for (path, query, name) in Self.badTimes {
            let response = try await server.get(path, query: query)
            #expect(response.status == 400, "\(path) \(query): \(response.status) \(response.text)")
            #expect(response.text.contains(name), "\(path) \(query): \(response.text)")
        }
        #expect(try await server.get("ready").status == 200)
    }

    @Test func expressionsPastTheBoundsOrTheNestingLimitAreBadRequests() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for expression in Self.badExpressions {
            let posted = try await server.post(
                "api/v1/query", body: Data(("query=" + formEncoded(expression) + "&time=100").utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"], api: true)
            #expect(posted.status == 400, "\(expression.prefix(40)): \(posted.text.prefix(300))")
            let native = try await server.get("lumen/v1/query", query: ["query": expression, "time": "100"])
            #expect(native.status == 400, "native \(expression.prefix(40)): \(native.text.prefix(300))")
        }
        #expect(try await server.get("ready").status == 200)
    }

    /// A range of 11,000 steps (11,001 points) is evaluated, one step more is refused before any evaluation, as
    /// Prometheus and Loki do: on every route that takes a range.
    @Test func rangesOfMoreThanElevenThousandStepsAreRefused() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let second = 1_000_000_000
        for (path, query, seconds, scale) in [
            ("api/v1/query_range", "1", true, 1), ("lumen/v1/query", "vector(1)", true, 1),
            ("loki/api/v1/query_range", #"count_over_time({service="payment"}[1m])"#, false, second),
        ] {
            func ask(end: Int) async throws -> TestServer.HTTPResult {
                try await server.get(path, query: [
                    "query": query, "start": "\(1_000_000 * scale)", "end": "\((1_000_000 + end) * scale)",
                    "step": seconds ? "1" : "1s",
                ])
            }
            let most = try await ask(end: 11_000)
            #expect(most.status == 200, "\(path): \(most.text.prefix(300))")
            let past = try await ask(end: 11_001)
            #expect(past.status == 400, "\(path): \(past.status) \(past.text.prefix(300))")
            #expect(past.text.contains("more than 11000 steps"), "\(path): \(past.text.prefix(300))")
        }
        let points = try await server.get(
            "api/v1/query_range", query: ["query": "1", "start": "1000000", "end": "1011000", "step": "1"])
        let data = try JSONSerialization.jsonObject(with: points.body) as? [String: Any]
        let result = (data?["data"] as? [String: Any])?["result"] as? [[String: Any]]
        #expect((result?.first?["values"] as? [Any])?.count == 11_001)
    }

    @Test func deepButReasonableNestingIsStillEvaluated() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let depth = 200
        let expression = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + " + 1"
        let response = try await server.get("api/v1/query", query: ["query": expression, "time": "100"])
        #expect(response.status == 200, "\(response.text.prefix(300))")
        #expect(response.text.contains(#""2""#))
    }

    @Test func evaluatorConversionsOfHugeNumbersDoNotTrap() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for expression in [
            "topk(-1e300, vector(1))", "limitk(-1e300, vector(1))", "limitk(-Inf, vector(1))",
            "bottomk(1e300, vector(1))", "year(vector(1e300))", "day_of_week(vector(-1e300))",
            "quantile(NaN, vector(1))",
        ] {
            let response = try await server.get("api/v1/query", query: ["query": expression, "time": "100"])
            #expect(response.status == 200 || response.status == 400, "\(expression): \(response.text)")
        }
        #expect(try await server.get("ready").status == 200)
    }

    private func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
