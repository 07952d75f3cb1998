import LumenModel
import Testing

@testable import LumenQuery

/// A query whose value can never match is valid; a value its field can never hold is a typo, refused with a
/// caret under the value.
struct FieldValueErrorTests {
    /// The error's message and the column of its caret.
    private func failure(_ query: String) -> (message: String, column: Int?)? {
        do {
            _ = try Parser.parse(query)
            return nil
        } catch {
            return (error.message, error.position?.column)
        }
    }

    @Test func aSpanStatusNoSpanHasIsAnErrorAtTheValueWithTheNearestName() throws {
        let (message, column) = try #require(failure("{status=eror}"))
        #expect(message == #"unknown status "eror" (status is unset, ok or error) — did you mean "error"?"#)
        #expect(column == 9)
        let rendered = QueryErrorCaret.render(query: "{status=eror}", message: "line 1, column 9: \(message)")
        #expect(rendered.split(separator: "\n")[1] == "        ^")
    }

    @Test(arguments: [
        (#"{status="eror"}"#, "did you mean \"error\"?"),
        (#"{service="cart" && kind=sever}"#, "did you mean \"server\"?"),
        ("{kind=SERVER}", "did you mean \"server\"?"),
        ("{status=pending}", "(status is unset, ok or error)"),
        ("{status=2}", "unknown status \"2\""),
        (#"{service="a"} >> {status=erorr}"#, "did you mean \"error\"?"),
        (#"count_over_time({status="eror"}[5m])"#, "unknown status \"eror\""),
        (#"rate({service="a" && kind="clinet"}[1m]) > 0"#, "did you mean \"client\"?"),
    ])
    func anEnumFieldWithAnUnknownValueIsAnErrorWhereverItIsWritten(_ query: String, _ expected: String) throws {
        let (message, _) = try #require(failure(query), "\(query) parsed")
        #expect(message.contains(expected), "\(query): \(message)")
    }

    @Test func enumFieldsCompareOnlyForEquality() throws {
        #expect(try #require(failure("{status > ok}")).message.contains("is compared with = or !="))
        #expect(failure(#"{status=~"err.*|ok"}"#) == nil)
        #expect(failure("{status!=unset && kind!=internal}") == nil)
    }

    @Test func aDurationWithoutAUnitIsAnError() throws {
        let (message, column) = try #require(failure("{duration > 100}"))
        #expect(message == "duration needs a unit: write 100ms, 100s or 100us, not 100")
        #expect(column == 13)
        #expect(try #require(failure(#"{service="a"} | avg(duration) > 250"#)).message.contains("needs a unit"))
        #expect(try #require(failure("{duration > 10KB}")).message.contains("not a byte size"))
        #expect(failure("{duration > 100ms}") == nil)
        #expect(failure(#"{service="a"} | avg(duration) > 250ms"#) == nil)
        #expect(failure(#"{service="a"} | count() > 3"#) == nil, "a count has no unit")
    }

    @Test func anUnknownSeverityIsAnErrorInALogSelector() throws {
        let (message, column) = try #require(failure(#"{service="cart", severity="warnn"}"#))
        #expect(message == #"unknown severity "warnn" (severity is trace, debug, info, warn, error or fatal)"#
            + #" — did you mean "warn"?"#)
        #expect(column == 27)
        #expect(try #require(failure(#"{severity >= "eror"}"#)).message.contains("did you mean \"error\"?"))
        #expect(try #require(failure(#"{severity="loud"}"#)).message.contains("unknown severity \"loud\""))
        #expect(failure(#"{service="cart", severity="warning"}"#) == nil, "the usual spellings stay")
        #expect(failure(#"{severity>="WARN"}"#) == nil)
    }

    @Test func aPipelineSeverityComparisonNamesALevel() throws {
        let query = #"{service="cart"} | json | level >= "warnn""#
        let (message, column) = try #require(failure(query))
        #expect(message.hasPrefix(#"unknown severity "warnn""#))
        #expect(column == 36)
        #expect(failure(#"{service="cart"} | severity > "info""#) == nil)
        #expect(failure(#"{service="cart"} | json | level = "chatty""#) == nil, "= compares text: any level field")
    }

    @Test func aPipelineSeverityComparisonGoesInLevelOrderNotAlphabetically() throws {
        let pipeline = try LogPipeline([.fields(.compare(field: "severity", .greaterOrEqual, .string("warn")))])
        let kept = [Severity.Level.debug, .info, .warn, .error, .fatal].filter { level in
            pipeline.run(LogRecord(time: 0, severity: Severity(level), body: .string("x"), resource: Resource())) != nil
        }
        #expect(kept == [.warn, .error, .fatal])
        let json = try LogPipeline([.json, .fields(.compare(field: "level", .less, .string("warning")))])
        let levels = ["INFO", "WARN", "error", "debug", "30"].filter { level in
            json.run(LogRecord(time: 0, body: .string(#"{"level":"\#(level)"}"#), resource: Resource())) != nil
        }
        #expect(levels == ["INFO", "debug"])
    }

    @Test func valuesThatMerelyMatchNothingAreValid() {
        #expect(failure(#"{service="no-such-service"}"#) == nil)
        #expect(failure(#"{status=error && service="no-such-service" && duration > 1000h}"#) == nil)
        #expect(failure(#"{span.http.method="FETCH"}"#) == nil)
        #expect(failure(#"{__name__="alerts", severity="page"}"#) == nil, "in a metric selector severity is a label")
        #expect(failure(#"alerts{severity="page", status="firing"}"#) == nil)
    }
}
