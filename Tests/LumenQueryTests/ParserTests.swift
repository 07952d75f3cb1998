import LumenModel
import Testing

@testable import LumenQuery

struct ParserTests {
    @Test func aMetricNameWithMatchersIsAMetricSelector() throws {
        let query = try Parser.parse(#"http_server_requests_total{service="cart", code=~"5.."}"#)
        guard let matchers = query.selectorMatchers else { Issue.record("not a selector: \(query)"); return }
        #expect(matchers.map(\.description) == [
            #"__name__="http_server_requests_total""#, #"service="cart""#, #"code=~"5..""#,
        ])
    }

    @Test func aBareSelectorWithLineFiltersIsALogQuery() throws {
        let query = try Parser.parse(#"{service="cart", severity>="warn"} |= "timeout" != "retry" |~ "t.me""#)
        guard case .logs(let logs) = query else { Issue.record("not logs: \(query)"); return }
        #expect(logs.matchers.map(\.description) == [#"service="cart""#, #"severity=~"warn|error|fatal""#])
        #expect(logs.filters.map(\.op) == [.contains, .notContains, .matchesRegex])
        #expect(logs.filters[2].matches("a timeout b"))
    }

    @Test func conditionsJoinedByAndOrOnSpanFieldsAreASpanQuery() throws {
        let query = try Parser.parse(#"{service="cart" && duration > 500ms && status=error}"#)
        #expect(query == .spans(SpanQuery(condition: .and(
            .and(.compare(.service, .equal, .string("cart")), .compare(.duration, .greater, .duration(500_000_000))),
            .compare(.status, .equal, .string("error"))))))
        let single = try Parser.parse("{duration >= 1s}")
        #expect(single == .spans(SpanQuery(condition: .compare(.duration, .greaterOrEqual, .duration(1_000_000_000)))))
    }

    @Test func andBindsTighterThanOr() throws {
        let query = try Parser.parse(#"{name="a" || name="b" && kind=server}"#)
        #expect(query == .spans(SpanQuery(condition: .or(
            .compare(.name, .equal, .string("a")),
            .and(.compare(.name, .equal, .string("b")), .compare(.kind, .equal, .string("server")))))))
    }

    @Test func errorsSayWhereAndWhatWasExpected() {
        #expect(throws: QueryError.self) { try Parser.parse("up{") }
        do {
            _ = try Parser.parse("{service=\"a\" &&\n duration > }")
            Issue.record("expected an error")
        } catch {
            #expect(error.position == SourcePosition(line: 2, column: 13))
            #expect(error.message.contains("expected a value"))
        }
        do {
            _ = try Parser.parse(#"{service=~""}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("does not match the empty string"))
        }
        #expect(throws: QueryError.self) { try Parser.parse(#"{service="a"} |= 5"#) }
        #expect(throws: QueryError.self) { try Parser.parse(#"{foo.bar="x" && 1}"#) }
        #expect(throws: QueryError.self) { try Parser.parse(#"up{a="b"} |= "x""#) }
    }
}
