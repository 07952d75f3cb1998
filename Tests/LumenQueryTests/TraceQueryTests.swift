import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct TraceQueryTests {
    private let engine = QueryEngine(store: ShopTelemetry.head())

    private func traces(_ query: String) throws -> [TraceSummary] {
        let result = try engine.execute(query, tenant: .anonymous, window: ShopTelemetry.minute)
        guard case .traces(let traces) = result else {
            Issue.record("not traces: \(result)")
            return []
        }
        return traces
    }

    @Test func aSpanQueryAnswersTracesWithRootSizeErrorsAndTheMatchedSpans() throws {
        let found = try traces(#"{service="payment" && status=error}"#)
        #expect(found.count == 1)
        let trace = try #require(found.first)
        #expect(trace.traceID == ShopTelemetry.trace1)
        #expect(trace.rootService == "frontend" && trace.rootName == "GET /checkout")
        #expect(trace.start == ShopTelemetry.base)
        #expect(trace.duration == 800 * ShopTelemetry.millisecond)
        #expect(trace.spanCount == 6 && trace.errorCount == 1)
        #expect(trace.services == ["cart", "checkout", "frontend", "payment"])
        #expect(trace.matched.map(\.name) == ["Charge"])
    }

    @Test func tracesComeInTimeOrderUpToTheLimit() throws {
        #expect(try traces(#"{resource.service.name="frontend"}"#).map(\.traceID)
            == [ShopTelemetry.trace3, ShopTelemetry.trace2, ShopTelemetry.trace1])
        let limited = try engine.execute(#"{resource.service.name="frontend"}"#, tenant: .anonymous,
            window: ShopTelemetry.minute, limit: 1)
        guard case .traces(let one) = limited else { Issue.record("\(limited)"); return }
        #expect(one.map(\.traceID) == [ShopTelemetry.trace3])
    }

    @Test func descendantMatchesSpansUnderAnotherServiceAtAnyDepth() throws {
        let found = try traces(#"{service="frontend"} >> {service="cart"}"#)
        #expect(found.map(\.traceID) == [ShopTelemetry.trace2, ShopTelemetry.trace1])
        #expect(found.allSatisfy { $0.matched.map(\.name) == ["GetCart"] })
        #expect(try traces(#"{name="Charge"} >> {service="cart"}"#).isEmpty)
    }

    @Test func childMatchesOnlyDirectChildren() throws {
        #expect(try traces(#"{service="checkout" && kind=server} > {service="cart"}"#).map(\.traceID)
            == [ShopTelemetry.trace2, ShopTelemetry.trace1])
        #expect(try traces(#"{service="frontend"} > {service="cart"}"#).isEmpty)
        #expect(try traces(#"{service="checkout"} > {service="payment"}"#).map(\.traceID) == [ShopTelemetry.trace1])
    }

    @Test func traceAggregatesKeepTracesWhoseMatchesPass() throws {
        #expect(try traces("{duration >= 0s} | count() > 3").map(\.traceID) == [ShopTelemetry.trace1])
        #expect(try traces("{kind=server} | avg(duration) > 300ms").map(\.traceID) == [ShopTelemetry.trace1])
        #expect(try traces("{kind=server} | max(duration) <= 100ms").map(\.traceID)
            == [ShopTelemetry.trace3, ShopTelemetry.trace2])
        #expect(try traces("{kind=server} | min(duration) < 20ms | sum(duration) < 1s").map(\.traceID)
            == [ShopTelemetry.trace2])
    }

    @Test func tracesOfLogsFindTheTracesTheLinesWereWrittenUnder() throws {
        let found = try traces(#"traces({service=~"cart|payment"} |= "error")"#)
        #expect(found.map(\.traceID) == [ShopTelemetry.trace1])
        #expect(found.first?.matched.map(\.name) == ["GetCart", "Charge"])
        let parsed = try traces(#"traces({service="cart"} | json | status < 500)"#)
        #expect(parsed.map(\.traceID) == [ShopTelemetry.trace2])
        #expect(throws: QueryError.self) { try Parser.parse(#"traces({kind=server})"#) }
    }

    @Test func structureAndAggregatesParseIntoASpanQuery() throws {
        let query = try Parser.parse(#"{service="a"} >> {status=error} > {kind=client} | count() >= 2"#)
        let a = SpanSet.selector(.compare(.service, .equal, .string("a")))
        let error = SpanSet.selector(.compare(.status, .equal, .string("error")))
        let client = SpanSet.selector(.compare(.kind, .equal, .string("client")))
        #expect(query == .spans(SpanQuery(spans: .child(.descendant(a, error), client),
            aggregates: [TraceAggregate(.count, nil, .greaterOrEqual, .number(2))])))
        #expect(throws: QueryError.self) { try Parser.parse("{kind=server} | avg(name) > 1") }
    }


    @Test func spanMetricsCountRateAndQuantilesPerService() throws {
        #expect(try engine.values("sum by (service) (count_over_time({kind=server}[1m]))", by: "service")
            == ["frontend": 3, "checkout": 2, "cart": 2, "payment": 1])
        #expect(try engine.values("sum by (service) (rate({kind=server && status=error}[1m]))", by: "service")
            == ["payment": 1.0 / 60])
        let medians = try engine.values("quantile_over_time(0.5, {kind=server} | unwrap duration [1m]) by (service)",
            by: "service")
        let expected = ["frontend": 0.1, "checkout": 0.36, "cart": 0.0125, "payment": 0.55]
        #expect(Set(medians.keys) == Set(expected.keys))
        for (service, value) in expected { #expect(abs((medians[service] ?? .nan) - value) < 1e-12, "\(service)") }
        #expect(try engine.values("sum by (name) (count_over_time({resource.service.name=\"frontend\"}[1m]))", by: "name")
            == ["GET /checkout": 2, "POST checkout": 1, "GET /": 1, "GET cache": 1])
        #expect(try engine.values("count_over_time({kind=server}[1m]) by (kind)", by: "kind") == ["server": 8])
    }

    @Test func spanMetricsCountWhatStructureAndAggregatesMatch() throws {
        #expect(try engine.values(#"sum by (service) (count_over_time({service="frontend"} >> {kind=server}[1m]))"#,
            by: "service") == ["checkout": 2, "cart": 2, "payment": 1])
        #expect(try engine.values(#"sum(count_over_time({kind=server} | count() > 3 [1m]))"#, by: "") == ["": 4])
    }
}
