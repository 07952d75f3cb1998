import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// The TraceQL Grafana's Tempo data source writes: parsed into `TraceQLQuery`, then run over the shop's traces
/// (trace1: frontend → checkout → cart, payment failing; trace2, trace3 without errors).
struct TraceQLTests {
    private let engine = QueryEngine(store: ShopTelemetry.head())

    private func traces(_ text: String) throws -> [TraceID] {
        try engine.traceQLSearch(TraceQLParser.parse(text), tenant: .anonymous, from: ShopTelemetry.minute.start,
            to: ShopTelemetry.minute.end, limit: 20).map(\.traceID)
    }

    @Test func theBuildersFiltersParseIntoScopedFieldsAndIntrinsics() throws {
        let query = try TraceQLParser.parse(
            #"{ resource.service.name = "x" && span.http.status_code >= 500 && duration > 100ms && status = error }"#)
        #expect(query.spansets == .filter(
            .and(.and(.and(
                .compare(.attribute(.resource, "service.name"), .equal, .string("x")),
                .compare(.attribute(.span, "http.status_code"), .greaterOrEqual, .number(500))),
                .compare(.intrinsic(.duration), .greater, .duration(100_000_000))),
                .compare(.intrinsic(.status), .equal, .string("error")))))
        #expect(try TraceQLParser.parse("{ .http.method = \"GET\" }").spansets
            == .filter(.compare(.attribute(.unscoped, "http.method"), .equal, .string("GET"))))
        #expect(try TraceQLParser.parse("{ span:name = \"a\" && trace:rootService = \"b\" }").referencedFields
            == [.intrinsic(.name), .intrinsic(.rootServiceName)])
        #expect(try TraceQLParser.parse("{}").spansets == .filter(nil))
    }

    @Test func spansetOperatorsStructureAndThePipelineParse() throws {
        let query = try TraceQLParser.parse(
            #"({ kind = server } >> { status = error } ~ { name = "a" }) || { } | count() > 2 | avg(duration) > 1s "#
                + "| select(span.http.url, resource.host.name) with(most_recent=true)")
        guard case .or(.structural(.sibling, .structural(.descendant, _, _), _), .filter(nil)) = query.spansets else {
            Issue.record("\(query.spansets)")
            return
        }
        #expect(query.filters.map(\.function) == [.count, .avg])
        #expect(query.selected == [.attribute(.span, "http.url"), .attribute(.resource, "host.name")])
        let metrics = try TraceQLParser.parse(
            "{ } | quantile_over_time(duration, .9, 0.5) by (resource.service.name, name)").metrics
        #expect(metrics == TraceQLMetrics(function: .quantile_over_time, field: .intrinsic(.duration),
            quantiles: [0.9, 0.5], by: [.attribute(.resource, "service.name"), .intrinsic(.name)]))
        #expect(try TraceQLParser.parse("{ span.x != nil && .y = nil }").spansets
            == .filter(.and(.exists(.attribute(.span, "x"), true), .exists(.attribute(.unscoped, "y"), false))))
    }

    @Test func errorsSayWhatIsWrongAndWhere() {
        for (text, message) in [
            ("{ status = ", "expected a value"), ("{ foo = 1 }", "unknown field \"foo\""),
            ("{ duration > \"slow\" }", "duration compares with a duration"), ("{ } | by(name)", "unsupported"),
            ("{ name =~ \"(\" }", "invalid regular expression"), ("{ } | quantile_over_time(duration)", "quantile"),
            ("{ a", "unknown field"), ("{ } | rate() | count() > 1", "nothing may follow"),
        ] {
            #expect(throws: QueryError.self, "\(text)") { try TraceQLParser.parse(text) }
            do {
                _ = try TraceQLParser.parse(text)
            } catch {
                #expect(error.message.contains(message), "\(text): \(error.message)")
            }
        }
        let deep = String(repeating: "(", count: 500) + "{}" + String(repeating: ")", count: 500)
        #expect(throws: QueryError.self) { try TraceQLParser.parse(deep) }
    }

    @Test func searchesJudgeWholeTracesInTimeOrder() throws {
        let (t1, t2, t3) = (ShopTelemetry.trace1, ShopTelemetry.trace2, ShopTelemetry.trace3)
        #expect(try traces("{}") == [t3, t2, t1])
        #expect(try traces(#"{ resource.service.name = "payment" && status = error }"#) == [t1])
        #expect(try traces(#"{ rootServiceName = "frontend" && traceDuration > 500ms }"#) == [t1])
        #expect(try traces(#"{ resource.service.name = "frontend" } >> { resource.service.name = "cart" }"#)
            == [t2, t1])
        #expect(try traces(#"{ resource.service.name = "cart" } >> { resource.service.name = "frontend" }"#).isEmpty)
        #expect(try traces(#"{ resource.service.name = "cart" } << { resource.service.name = "frontend" }"#) == [t2, t1])
        #expect(try traces(#"{ resource.service.name = "payment" } && { resource.service.name = "cart" }"#) == [t1])
        #expect(try traces(#"{ resource.service.name = "payment" } || { name = "nothing" }"#) == [t1])
        #expect(try traces("{ } | count() > 3") == [t1])
        #expect(try traces("{ nestedSetParent < 0 && true }") == [t3, t2, t1])
    }
}
