import Foundation
import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct ServiceCallGraphTests {
    private let graph = try! QueryEngine(store: ShopTelemetry.head())
        .serviceGraph(.anonymous, from: ShopTelemetry.base, to: ShopTelemetry.base + 60 * ShopTelemetry.second)

    @Test func edgesAreSpansWhoseParentIsInAnotherService() {
        #expect(graph.edges.map { "\($0.caller)→\($0.callee)" }
            == ["checkout→cart", "checkout→payment", "frontend→checkout", "frontend→redis"])
        let payment = graph.edges.first { $0.callee == "payment" }!.stats
        #expect(payment.calls == 1 && payment.errors == 1 && payment.errorRatio == 1)
        #expect(payment.p50 == 0.55 && payment.p99 == 0.55)
        let cart = graph.edges.first { $0.callee == "cart" }!.stats
        #expect(cart.calls == 2 && cart.errors == 0)
        // Seen from base + 35ms to base + 10.02s: 9.985 s, plus one interval between the two calls.
        #expect(abs(cart.rateSeconds - 19.97) < 1e-9)
        #expect(cart.rate == 2 / cart.rateSeconds)
        #expect(abs(cart.p50 - 0.0125) < 1e-12)
        #expect(abs(cart.p95 - (0.01 + 0.95 * 0.005)) < 1e-12)
    }

    /// `lumen load --rate 20 --duration 30s`, then `lumen services --since 5m`: 20/s, not 2/s.
    @Test func theRateIsOverTheTimeTheCallsWereSeenNotTheWholeRange() {
        let (base, second) = (ShopTelemetry.base, ShopTelemetry.second)
        let spans = (0..<600).flatMap { index in
            let trace = TraceID(high: 9, low: UInt64(index + 1))
            let at = base + 60 * second + Int64(index) * 50 * ShopTelemetry.millisecond
            return [
                ShopTelemetry.span(trace, 1, parent: nil, "frontend", "GET /checkout", from: 0, to: 20, at: at),
                ShopTelemetry.span(trace, 2, parent: 1, "checkout", "Checkout", from: 5, to: 15, at: at),
            ]
        }
        let graph = ServiceCallGraph(spans: spans, from: base, to: base + 300 * second)
        let edge = graph.edges.first { $0.caller == "frontend" && $0.callee == "checkout" }!.stats
        #expect(edge.calls == 600)
        #expect(abs(edge.rateSeconds - 30) < 1e-9)
        #expect(abs(edge.rate - 20) < 1e-9)
        let frontend = graph.services.first { $0.service == "frontend" }!.stats
        #expect(abs(frontend.rate - 20) < 1e-9)
    }

    @Test func aSingleCallOrABurstCountsAsOneSecondAndNoMoreThanTheRange() {
        let (base, second) = (ShopTelemetry.base, ShopTelemetry.second)
        let burst = (1...3).map { ShopTelemetry.span(ShopTelemetry.trace1, UInt64($0), parent: nil, "cart", "GetCart",
                                                    from: Int64($0), to: Int64($0) + 1, at: base) }
        let graph = ServiceCallGraph(spans: burst, from: base, to: base + 300 * second)
        #expect(graph.services[0].stats.rateSeconds == 1 && graph.services[0].stats.rate == 3)
        let single = ServiceCallGraph(spans: [burst[0]], from: base, to: base + 300 * second)
        #expect(single.services[0].stats.rateSeconds == 1 && single.services[0].stats.rate == 1)
        let short = ServiceCallGraph(spans: [burst[0]], from: base, to: base + second / 2)
        #expect(short.services[0].stats.rateSeconds == 0.5 && short.services[0].stats.rate == 2)
    }

    @Test func aClientSpanWithoutChildrenIsAnEdgeToWhatItNames() {
        let redis = graph.edges.first { $0.callee == "redis" }!
        #expect(redis.caller == "frontend")
        #expect(redis.stats.calls == 1 && redis.stats.p50 == 0.005)
        // The client spans that frontend and checkout send before their callees' server spans are not edges.
        #expect(graph.edges.allSatisfy { $0.caller != $0.callee })
    }

    @Test func servicesAreMeasuredOnTheirServerAndRootSpans() {
        #expect(graph.services.map(\.service) == ["cart", "checkout", "frontend", "payment"])
        let frontend = graph.services.first { $0.service == "frontend" }!.stats
        #expect(frontend.calls == 3 && frontend.errors == 0)
        #expect(frontend.p50 == 0.1)
        let payment = graph.services.first { $0.service == "payment" }!.stats
        #expect(payment.calls == 1 && payment.errorRatio == 1)
    }

    @Test func theJSONIsFlatAsTheDashboardsReadIt() throws {
        let data = try JSONEncoder().encode(ServiceGraphResponse(graph))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["status"] as? String == "success")
        let body = try #require(object["data"] as? [String: Any])
        let edge = try #require((body["edges"] as? [[String: Any]])?.first)
        let figures: Set = ["calls", "errors", "rate", "rateSeconds", "errorRatio", "p50", "p95", "p99"]
        #expect(Set(edge.keys) == figures.union(["caller", "callee"]))
        let service = try #require((body["services"] as? [[String: Any]])?.first)
        #expect(Set(service.keys) == figures.union(["service"]))
        #expect(try JSONDecoder().decode(ServiceGraphResponse.self, from: data) == ServiceGraphResponse(graph))
    }
}
