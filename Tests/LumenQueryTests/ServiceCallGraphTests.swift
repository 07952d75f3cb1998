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
        #expect(cart.rate == 2.0 / 60)
        #expect(abs(cart.p50 - 0.0125) < 1e-12)
        #expect(abs(cart.p95 - (0.01 + 0.95 * 0.005)) < 1e-12)
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
        #expect(Set(edge.keys) == ["caller", "callee", "calls", "errors", "rate", "errorRatio", "p50", "p95", "p99"])
        let service = try #require((body["services"] as? [[String: Any]])?.first)
        #expect(Set(service.keys) == ["service", "calls", "errors", "rate", "errorRatio", "p50", "p95", "p99"])
        #expect(try JSONDecoder().decode(ServiceGraphResponse.self, from: data) == ServiceGraphResponse(graph))
    }
}
