import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// The LogQL parser stages Grafana writes beyond `| json` and `| logfmt`: `| regexp`, `| decolorize`, `| unpack`,
/// and the parameters of `| json a="b.c"` and `| logfmt --strict --keep-empty a, b="c"`, with Loki's semantics.
struct LogQLParserStageTests {
    private static let second = ShopTelemetry.second
    private static let base = ShopTelemetry.base

    /// One service, `shop`, whose lines are each stage's test cases, oldest first.
    private static let lines = [
        #"GET /api/cart (200) 1.5s"#,
        "\u{1B}[0;32mgreen\u{1B}[0m \u{1B}[0;31mred\u{1B}[0m",
        #"{"response":{"status":503,"headers":{"a":"b"}},"items":["x",{"id":7}],"name":"cart \"v2\"","nil":null}"#,
        #"host=web-1 status=200 empty= bare msg="a \"quoted\" text""#,
        #"host=web-2 broken"value status=500"#,
        #"{"_entry":"original line","job":"packed","n":1}"#,
    ]

    private let engine: QueryEngine = {
        let head = Head()
        let records = Self.lines.enumerated().map { index, line in
            ShopTelemetry.log("shop", .info, line, at: Self.base + Int64(index) * Self.second)
        }
        head.append(Batch(logs: records))
        return QueryEngine(store: head)
    }()

    private func lines(_ query: String) throws -> [LabeledLine] {
        guard case .logs(let logs) = try Parser.parseLogQL(query) else {
            Issue.record("not a log query: \(query)")
            return []
        }
        return try engine.labeledLines(
            logs, tenant: .anonymous, from: ShopTelemetry.minute.start, to: ShopTelemetry.minute.end, limit: 100,
            forward: true)
    }

    private func parsed(_ query: String, line: Int) throws -> [String: String] {
        let all = try lines(query)
        guard line < all.count else { return [:] }
        return Dictionary(all[line].parsed.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test func regexpNamedGroupsBecomeFieldsOfTheFirstMatch() throws {
        let query = #"{service="shop"} | regexp "(?P<method>\\w+) (?P<path>[\\w/]+) \\((?P<status>\\d+?)\\) (?P<duration>.*)""#
        #expect(try parsed(query, line: 0) == ["method": "GET", "path": "/api/cart", "status": "200", "duration": "1.5s"])
        // A line that doesn't match gains nothing, and is kept.
        #expect(try lines(query).count == Self.lines.count)
        #expect(try parsed(query, line: 3) == [:])
        // Unnamed groups only group; a named group that took no part is "".
        #expect(try parsed(#"{service="shop"} | regexp "^(GET|POST) (?P<p>\\S+)(?P<q>\\?\\S+)?""#, line: 0)
            == ["p": "/api/cart", "q": ""])
        // Filters see the fields.
        #expect(try lines(#"{service="shop"} | regexp "\\((?P<code>\\d+)\\)" | code = 200"#).map(\.line) == [Self.lines[0]])
    }

    @Test func regexpRefusesAtParseTimeWhatLokiRefuses() {
        for (query, message) in [
            (#"{service="shop"} | regexp "(\\d+)""#, "at least one named capture"),
            (#"{service="shop"} | regexp "no groups""#, "at least one named capture"),
            (#"{service="shop"} | regexp "(?P<1a>x)""#, "invalid extracted label name '1a'"),
            (#"{service="shop"} | regexp "(?P<a>x"#, "unterminated string"),
            (#"{service="shop"} | regexp "(?P<a>x""#, "missing closing )"),
            (#"{service="shop"} | regexp "(?P<a>x)(?P<a>y)""#, "duplicate capture group name"),
            (#"{service="shop"} | regexp "(?P<a>x)\\1""#, "backreferences are not supported"),
            (#"{service="shop"} | regexp status"#, "expected a quoted string after regexp"),
        ] {
            #expect(throws: QueryError.self, "\(query)") { try Parser.parseLogQL(query) }
            do {
                _ = try Parser.parseLogQL(query)
            } catch {
                #expect(error.message.contains(message), "\(query): \(error.message)")
                #expect(error.position != nil, "\(query): no position")
            }
        }
        // The position is the pattern's.
        do {
            _ = try Parser.parseLogQL(#"{service="shop"} | regexp "(x)""#)
        } catch {
            #expect(error.position == SourcePosition(line: 1, column: 27))
        }
    }

    @Test func decolorizeRemovesTerminalEscapes() throws {
        let all = try lines(#"{service="shop"} | decolorize"#)
        #expect(all[1].line == "green red")
        #expect(all[0].line == Self.lines[0])
        #expect(try lines(#"{service="shop"} | decolorize |= "green red""#).count == 1)
        #expect(try lines(#"{service="shop"} |= "green red""#).isEmpty)
        // A line filter after a stage that rewrites the line sees the new line, not the stored one.
        #expect(try lines(#"{service="shop"} | line_format "x{{.nosuch}}y" |= "xy""#).count == Self.lines.count)
    }

    @Test func jsonExpressionsReadPathsAsLokiDoes() throws {
        let query = #"{service="shop"} | json status="response.status", hdr="response[\"headers\"]", first="items[0]", "#
            + #"id="items[1].id", name, missing="no.such", nothing="nil""#
        #expect(try parsed(query, line: 2) == [
            "status": "503", "hdr": #"{"a":"b"}"#, "first": "x", "id": "7", "name": #"cart "v2""#, "missing": "",
            "nothing": "",
        ])
        // Not JSON: an error, as Loki's JSONParserErr.
        #expect(try parsed(#"{service="shop"} | json status="response.status""#, line: 0)["__error__"] == "JSONParserErr")
        #expect(try lines(#"{service="shop"} | json s="response.status" | s >= 500"#).map(\.line) == [Self.lines[2]])
    }

    @Test func jsonPathsParseLikeLokisJSONExpressions() throws {
        #expect(try JSONPath("pod.deployment.params[0].param").steps
            == [.key("pod"), .key("deployment"), .key("params"), .index(0), .key("param")])
        #expect(try JSONPath(#"["field with space"]["x"]"#).steps == [.key("field with space"), .key("x")])
        #expect(try JSONPath("[0]").steps == [.index(0)])
        for bad in ["", "field with space", #""pod"]"#, #"["pod""#, "pod..uuid", "a[1.5]", "a[-1]"] {
            #expect(throws: QueryError.self, "\(bad)") { try JSONPath(bad) }
        }
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="shop"} | json a="b..c""#) }
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="shop"} | json 1a="b""#) }
    }

    @Test func logfmtSkipsMalformedPairsByDefaultAndStrictStopsWithAnError() throws {
        #expect(try parsed(#"{service="shop"} | logfmt"#, line: 3)
            == ["host": "web-1", "status": "200", "msg": #"a "quoted" text"#])
        // `broken"value` is malformed: skipped, and the pair after it read; no error.
        #expect(try parsed(#"{service="shop"} | logfmt"#, line: 4) == ["host": "web-2", "status": "500"])
        #expect(try parsed(#"{service="shop"} | logfmt --strict"#, line: 4)
            == ["host": "web-2", "__error__": "LogfmtParserErr"])
        #expect(try parsed(#"{service="shop"} | logfmt --keep-empty"#, line: 3)
            == ["host": "web-1", "status": "200", "empty": "", "bare": "", "msg": #"a "quoted" text"#])
        #expect(try parsed(#"{service="shop"} | logfmt --keep-empty --strict"#, line: 3)["bare"] == "")
    }

    @Test func logfmtExpressionsPickAndRenameKeys() throws {
        #expect(try parsed(#"{service="shop"} | logfmt host, code="status", gone="nosuch""#, line: 3)
            == ["host": "web-1", "code": "200", "gone": ""])
        #expect(try parsed(#"{service="shop"} | logfmt --strict host, code="status""#, line: 4)
            == ["host": "web-2", "code": "", "__error__": "LogfmtParserErr"])
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="shop"} | logfmt --loose"#) }
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="shop"} | logfmt code=status"#) }
    }

    @Test func unpackRestoresAPackedLine() throws {
        let all = try lines(#"{service="shop"} | unpack"#)
        #expect(all[5].line == "original line")
        #expect(all[5].parsed == [Label("job", "packed")])
        #expect(all[3].parsed == [Label("__error__", "JSONParserErr")])
        #expect(all[2].line == Self.lines[2])  // JSON without `_entry`: left as it is
    }

    @Test func metricQueriesCountOverTheNewStages() throws {
        guard case .vector(let samples) = try engine.execute(
            Parser.parseLogQL(#"sum(count_over_time({service="shop"} | regexp "\\((?P<code>\\d+)\\)" | code != "" [1m]))"#),
            tenant: .anonymous, window: .instant(Self.base + 30 * Self.second))
        else {
            Issue.record("not a vector")
            return
        }
        #expect(samples.map(\.sample.value) == [1])
    }
}
