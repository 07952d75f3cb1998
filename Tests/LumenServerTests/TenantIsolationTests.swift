import Foundation
import LumenModel
import Testing

/// A tenant never reads another's data, through any read route, and only the operator reaches the admin
/// endpoints once tokens are set. Team A writes a trace, its logs and a metric; team B, with its own token,
/// asks every read route for them — Lumen's own, Prometheus', Loki's, Tempo's and Jaeger's — and gets nothing,
/// while team A gets them back.
struct TenantIsolationTests {
    static let teamA = ["Authorization": "Bearer token-a"]
    static let teamB = ["Authorization": "Bearer token-b"]
    static let admin = ["Authorization": "Bearer the-operator"]
    static let at = "\(Fixtures.start / Timestamp.nanosecondsPerSecond + 60)"
    static let range = [
        "start": "\(Fixtures.start / Timestamp.nanosecondsPerSecond - 600)",
        "end": "\(Fixtures.start / Timestamp.nanosecondsPerSecond + 60)",
    ]

    private func server() async throws -> TestServer {
        let server = try await TestServer.start {
            $0.tokens = ["token-a": Tenant("team-a")!, "token-b": Tenant("team-b")!]
            $0.adminToken = "the-operator"
        }
        let protobuf = ["Content-Type": "application/x-protobuf"]
        let json = ["Content-Type": "application/json"]
        for (path, body, headers) in [
            ("v1/traces", Fixtures.tracesBody(), protobuf), ("v1/logs", Fixtures.logsBody(), protobuf),
            ("v1/metrics", Fixtures.metricsJSON(), json),
        ] {
            let response = try await server.post(path, body: body, headers: headers.merging(Self.teamA) { $1 })
            #expect(response.status == 200, "\(path): \(response.text)")
        }
        return server
    }

    /// Every read route, and a word only team A's data puts in the answer.
    static let reads: [(path: String, query: [String: String], evidence: String)] = [
        ("lumen/v1/query", ["query": #"{service="payment"}"#, "since": "1h"], "payment"),
        ("lumen/v1/query", ["query": #"{service="checkout" && duration > 0ms}"#, "since": "1h"], Fixtures.traceID.hex),
        ("lumen/v1/query", ["query": "http_server_requests_total", "time": at], "cart"),
        ("lumen/v1/query", ["query": #"count_over_time({service="payment"}[1h])"#, "time": at], "payment"),
        ("lumen/v1/traces/\(Fixtures.traceID.hex)", [:], "Charge"),
        ("api/traces/\(Fixtures.traceID.hex)", [:], "Charge"),
        ("lumen/v1/service-graph", ["since": "1h"], "checkout"),
        ("api/v1/query", ["query": "http_server_requests_total", "time": at], "cart"),
        ("api/v1/query_range", ["query": "http_server_requests_total", "step": "60"].merging(range) { $1 }, "cart"),
        ("api/v1/series", ["match[]": "http_server_requests_total"].merging(range) { $1 }, "cart"),
        ("api/v1/labels", [:], "http_route"),
        ("api/v1/label/service/values", [:], "cart"),
        ("api/v1/label/__name__/values", [:], "http_server_requests_total"),
        ("api/v1/metadata", [:], "http_server_requests_total"),
        ("api/v1/query_exemplars", ["query": "http_server_requests_total"].merging(range) { $1 }, "cart"),
    ] + lokiReads + tempoReads + jaegerReads

    /// Grafana's Loki data source: times in nanoseconds.
    static let lokiReads: [(path: String, query: [String: String], evidence: String)] = {
        let range = ["start": "\(Fixtures.start - 600 * second)", "end": "\(Fixtures.start + 60 * second)"]
        return [
            ("loki/api/v1/query_range", ["query": #"{service="payment"}"#].merging(range) { $1 }, "card_expired"),
            ("loki/api/v1/query_range", ["query": #"{service="payment"} |= "declined""#].merging(range) { $1 }, "card_expired"),
            ("loki/api/v1/query", ["query": #"count_over_time({service="payment"}[1h])"#, "time": range["end"]!], "payment"),
            ("loki/api/v1/labels", range, "service"),
            ("loki/api/v1/label/service/values", range, "payment"),
            ("loki/api/v1/series", ["match[]": #"{service="payment"}"#].merging(range) { $1 }, "payment"),
        ]
    }()

    /// Grafana's Tempo data source: times in seconds.
    static let tempoReads: [(path: String, query: [String: String], evidence: String)] = [
        ("api/search", ["q": #"{resource.service.name="checkout"}"#].merging(range) { $1 }, Fixtures.traceID.hex),
        ("api/search", ["tags": "service.name=checkout"].merging(range) { $1 }, Fixtures.traceID.hex),
        ("api/search/tags", [:], "http.route"),
        ("api/v2/search/tags", [:], "http.route"),
        ("api/search/tag/service.name/values", [:], "checkout"),
        ("api/v2/search/tag/resource.service.name/values", [:], "checkout"),
        ("api/v2/traces/\(Fixtures.traceID.hex)", [:], "Charge"),
    ]

    /// Grafana's Jaeger data source, under /jaeger: times in microseconds, the dependencies' in milliseconds.
    static let jaegerReads: [(path: String, query: [String: String], evidence: String)] = {
        let micros = ["start": "\((Fixtures.start - 600 * second) / 1000)", "end": "\((Fixtures.start + 60 * second) / 1000)"]
        return [
            ("jaeger/api/services", [:], "checkout"),
            ("jaeger/api/services/checkout/operations", [:], "Checkout"),
            ("jaeger/api/operations", ["service": "checkout"], "Checkout"),
            ("jaeger/api/traces", ["service": "checkout"].merging(micros) { $1 }, Fixtures.traceID.hex),
            ("jaeger/api/traces/\(Fixtures.traceID.hex)", [:], "Charge"),
            ("jaeger/api/dependencies", ["endTs": "\((Fixtures.start + 60 * second) / 1_000_000)", "lookback": "3600000"], "checkout"),
        ]
    }()

    static let second = Timestamp.nanosecondsPerSecond

    @Test func noReadRouteShowsOneTenantTheOthersData() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        for read in Self.reads {
            let other = try await server.get(read.path, query: read.query, headers: Self.teamB)
            #expect(!other.text.contains(read.evidence), "team B read \(read.path) \(read.query): \(other.text.prefix(300))")
            #expect([200, 404].contains(other.status), "\(read.path): \(other.status) \(other.text.prefix(200))")
        }
        // The same reads as team A do find its data: the evidence is real. (Exemplars: none were written.)
        for read in Self.reads where read.path != "api/v1/query_exemplars" {
            let own = try await server.get(read.path, query: read.query, headers: Self.teamA)
            #expect(own.text.contains(read.evidence), "team A read \(read.path) \(read.query): \(own.text.prefix(300))")
        }
    }

    @Test func onlyTheAdminTokenReachesTheAdminEndpoints() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        for (path, post) in [("metrics", false), ("lumen/v1/status", false), ("api/v1/admin/flush", true),
            ("api/v1/admin/compact", true)]
        {
            func call(_ headers: [String: String]) async throws -> Int {
                post ? try await server.post(path, body: Data(), headers: headers, api: true).status
                    : try await server.get(path, headers: headers).status
            }
            #expect(try await call([:]) == 401, "\(path) without a token")
            #expect(try await call(Self.teamA) == 403, "\(path) with a tenant's token")
            #expect(try await call(Self.admin) == 200, "\(path) with the admin token")
        }
        // Supervisors probe without credentials.
        #expect(try await server.get("ready").status == 200)
        #expect(try await server.get("healthy").status == 200)
    }
}
