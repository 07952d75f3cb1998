import LumenModel
import Testing

@testable import LumenEngine
@testable import LumenQuery

/// A span condition's prefilter, which blocks test before building spans: exact on a span's own fields, and
/// never refusing a span the condition takes.
struct SpanPrefilterTests {
    private func condition(_ query: String) throws -> SpanCondition {
        guard case .spans(let spans) = try Parser.parse(query) else { throw QueryError("not a span query: \(query)") }
        return spans.spans.resultCondition
    }

    private func prefilter(_ query: String) throws -> SpanPrefilter { try SpanPrefilter(condition(query)) }

    @Test func equalitiesOnOwnFieldsAndDurationBoundsBecomeTheFilter() throws {
        #expect(try prefilter(#"{service="checkout" && duration > 100ms}"#)
            == SpanPrefilter(services: ["checkout"], minDuration: 100_000_000))
        #expect(try prefilter(#"{status=error && kind=server && name="Charge"}"#)
            == SpanPrefilter(names: ["Charge"], kinds: [.server], statuses: [.error]))
        #expect(try prefilter("{duration >= 1s && duration < 2s}")
            == SpanPrefilter(minDuration: 1_000_000_000, maxDuration: 2_000_000_000))
        #expect(try SpanPrefilter(.compare(.duration, .lessOrEqual, .number(1.5))) == SpanPrefilter(maxDuration: 2))
        #expect(try SpanPrefilter(.compare(.status, .equal, .string("nonsense"))) == SpanPrefilter(statuses: []),
            "no status is called that (the parser refuses the name; a condition built in code may hold it)")
    }

    @Test func alternativesJoinAndWhatCannotBeToldAdmitsEverything() throws {
        #expect(try prefilter("{status=error || status=ok}") == SpanPrefilter(statuses: [.error, .ok]))
        #expect(try prefilter("{status=error || kind=server}") == .none)
        #expect(try prefilter(#"{span.http.route="/cart" && statusMessage="x"}"#) == .none)
        #expect(try prefilter(#"{resource.host.name="node-1"}"#) == .none)
        #expect(try prefilter(#"{resource.service.name="cart"}"#) == SpanPrefilter(services: ["cart"]))
        #expect(try SpanPrefilter(.compare(.service, .notEqual, .string("cart"))) == .none)
        #expect(try SpanPrefilter(.compare(.service, .matchesRegex, .string("c.*"))) == .none)
    }

    @Test func thePrefilterNeverRefusesASpanItsConditionTakes() throws {
        let queries = [
            #"{service="checkout" && duration > 100ms}"#, "{status=error}", "{kind=client || duration < 20ms}",
            #"{name="GetCart" || service="payment"}"#, "{duration = 690ms}", #"{service="frontend" && kind!=server}"#,
            "{duration > 500us}", #"{span.http.status >= 500 || name=~"GET.*"}"#,
        ]
        for query in queries {
            let predicate = try SpanPredicate(condition(query))
            let taken = ShopTelemetry.spans.filter(predicate.matches)
            #expect(!taken.isEmpty, "\(query) takes some span")
            for span in taken {
                #expect(predicate.prefilter.admits(
                    service: { span.serviceName }, name: span.name, kind: span.kind, status: span.status.code,
                    duration: span.duration), "\(query) refuses \(span.name)")
            }
        }
    }
}
