import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct LogPipelineTests {
    private let engine = QueryEngine(store: ShopTelemetry.head())

    private func lines(_ query: String) throws -> [String] {
        guard case .logs(let records) = try engine.execute(query, tenant: .anonymous, window: ShopTelemetry.minute) else {
            Issue.record("not logs: \(query)")
            return []
        }
        return records.map(\.line)
    }

    @Test func jsonFlattensNestedKeysWithUnderscoresAndShowsThemOnTheRecord() throws {
        let query = #"{service="cart"} | json | req_id = "r1""#
        guard case .logs(let records) = try engine.execute(query, tenant: .anonymous, window: ShopTelemetry.minute)
        else { Issue.record("not logs"); return }
        #expect(records.map(\.line) == [ShopTelemetry.cartTimeout])
        #expect(records.first?.attributes["status"] == .string("504"))
        #expect(records.first?.attributes["req_id"] == .string("r1"))
    }

    @Test func fieldFiltersCompareNumbersDurationsAndBytesAsNumbers() throws {
        #expect(try lines(#"{service="payment"} | logfmt | duration > 500ms"#) == [ShopTelemetry.paymentDeclined])
        #expect(try lines(#"{service="payment"} | logfmt | size >= 1KB"#) == [ShopTelemetry.paymentDeclined])
        #expect(try lines(#"{service="cart"} | json | status >= 500"#) == [ShopTelemetry.cartTimeout])
        #expect(try lines(#"{service="cart"} | json | latency < 1s"#) == [ShopTelemetry.cartOK])
    }

    @Test func fieldFiltersCombineWithAndCommaAndOr() throws {
        #expect(try lines(#"{service="payment"} | logfmt | status >= 500 and level = "error""#)
            == [ShopTelemetry.paymentDeclined])
        #expect(try lines(#"{service="payment"} | logfmt | status >= 500, level = "info""#) == [])
        #expect(try lines(#"{service="payment"} | logfmt | status = 200 or msg =~ "card.*""#)
            == [ShopTelemetry.paymentOK, ShopTelemetry.paymentDeclined])
    }

    @Test func aLineItsParserCannotReadGetsAnErrorFieldInsteadOfVanishing() throws {
        // logfmt, as Loki's, skips what it cannot read unless it is strict.
        #expect(try lines(#"{service="payment"} | logfmt --strict | __error__ != """#) == [ShopTelemetry.paymentBroken])
        #expect(try lines(#"{service="payment"} | logfmt | __error__ != """#) == [])
        #expect(try lines(#"{service="cart"} | json | __error__ = "JSONParserErr""#) == ["plain text line"])
        #expect(try lines(#"{service="cart"} | json | __error__ = """#).count == 2)
    }

    @Test func lineFiltersMayFollowParsersAndStoredLabelsAreFields() throws {
        #expect(try lines(#"{service=~"cart|payment"} | severity = "error" |= "card""#) == [ShopTelemetry.paymentDeclined])
        #expect(try lines(#"{service="cart"} | json | level = "info" |~ "r[0-9]""#) == [ShopTelemetry.cartOK])
    }

    @Test func thePipelineParsesIntoStagesInOrder() throws {
        let query = try Parser.parse(#"{service="cart"} |= "x" | json | status >= 500, level = "error" or a != 1KB"#)
        guard case .logs(let logs) = query else { Issue.record("not logs: \(query)"); return }
        #expect(logs.stages.count == 3)
        #expect(logs.stages[1] == .json)
        #expect(logs.stages[2] == .fields(.or(
            .and(.compare(field: "status", .greaterOrEqual, .number(500)), .compare(field: "level", .equal, .string("error"))),
            .compare(field: "a", .notEqual, .bytes(1000)))))
    }

    @Test func pipelineMistakesSayWhereAndWhat() {
        #expect(throws: QueryError.self) { try Parser.parse(#"{service="cart"} | json | status >"#) }
        do {
            _ = try Parser.parse(#"{service="cart"} | unwrap latency"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("belongs in a metric query"))
        }
        do {
            _ = try Parser.parse(#"{service="cart"} | 5"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.position == SourcePosition(line: 1, column: 20))
            #expect(error.message.contains("expected json, logfmt"))
        }
    }
}
