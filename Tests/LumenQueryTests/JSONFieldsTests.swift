import LumenModel
import Testing

@testable import LumenQuery

/// `| json` on the lines real loggers write, and on every kind of JSON value.
struct JSONFieldsTests {
    private func fields(_ line: String) -> [String: String]? {
        guard let labels = JSONFields.flatten(.string(line)) else { return nil }
        return Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// One line per logger as it writes it, with the fields `| json` must find (a subset: the ones that tell
    /// whether nulls, nesting, arrays, numbers and escapes were read right).
    static let realWorldLines: [(logger: String, line: String, expected: [String: String])] = [
        ("python logging + python-json-logger",
         #"{"asctime": "2024-05-01 12:00:00,123", "levelname": "ERROR", "name": "shop.cart", "message": "checkout failed", "exc_info": null, "taskName": null}"#,
         ["levelname": "ERROR", "message": "checkout failed", "exc_info": "", "taskName": "", "name": "shop.cart"]),
        ("loki-logger-handler",
         #"{"message": "order placed", "timestamp": 1714564800.123456, "thread": 140245612345, "function": "place_order", "module": "orders", "logger": "shop", "level": "INFO", "stacktrace": null}"#,
         ["message": "order placed", "level": "INFO", "stacktrace": "", "timestamp": "1714564800.123456",
          "thread": "140245612345"]),
        ("bunyan",
         #"{"name":"api","hostname":"web-1","pid":40161,"level":50,"err":{"message":"boom","name":"Error","stack":"Error: boom\n    at Object.<anonymous> (/app/index.js:3:9)"},"msg":"request failed","time":"2024-05-01T12:00:00.851Z","v":0}"#,
         ["level": "50", "err_message": "boom", "err_name": "Error", "msg": "request failed", "v": "0",
          "err_stack": "Error: boom\n    at Object.<anonymous> (/app/index.js:3:9)"]),
        ("pino",
         #"{"level":30,"time":1714564800631,"pid":657,"hostname":"web-1","req":{"id":1,"method":"GET","url":"/cart?id=7","headers":{"host":"localhost:3000","user-agent":"curl/8.4.0"}},"msg":"request completed","responseTime":12.5}"#,
         ["level": "30", "time": "1714564800631", "req_method": "GET", "req_url": "/cart?id=7",
          "req_headers_user_agent": "curl/8.4.0", "responseTime": "12.5"]),
        ("zap",
         #"{"level":"error","ts":1714564800.1234567,"caller":"server/main.go:42","msg":"dial failed","addr":"10.0.0.7:5432","error":"dial tcp 10.0.0.7:5432: i/o timeout","stacktrace":"main.main\n\t/app/main.go:42\nruntime.main\n\t/usr/local/go/src/runtime/proc.go:271"}"#,
         ["level": "error", "ts": "1714564800.1234567", "caller": "server/main.go:42",
          "error": "dial tcp 10.0.0.7:5432: i/o timeout",
          "stacktrace": "main.main\n\t/app/main.go:42\nruntime.main\n\t/usr/local/go/src/runtime/proc.go:271"]),
        ("logrus",
         #"{"animal":"walrus","level":"warning","msg":"The group's number increased tremendously!","number":122,"omg":true,"time":"2024-05-01T12:00:00-04:00"}"#,
         ["level": "warning", "msg": "The group's number increased tremendously!", "number": "122", "omg": "true"]),
        ("structlog",
         #"{"event": "user logged in", "user_id": 42, "roles": ["admin", "dev"], "ip": "203.0.113.9", "level": "info", "timestamp": "2024-05-01T12:00:00.000000Z", "exc_info": null}"#,
         ["event": "user logged in", "user_id": "42", "ip": "203.0.113.9", "exc_info": ""]),
        ("docker json-file",
         #"{"log":"{\"level\":\"info\",\"msg\":\"caf\u00e9 \ud83d\ude00\"}\n","stream":"stdout","time":"2024-05-01T12:00:00.123456789Z"}"#,
         ["log": "{\"level\":\"info\",\"msg\":\"café 😀\"}\n", "stream": "stdout",
          "time": "2024-05-01T12:00:00.123456789Z"]),
    ]

    @Test(arguments: realWorldLines.indices)
    func everyRealWorldLoggersLineIsReadField(_ index: Int) throws {
        let (logger, line, expected) = Self.realWorldLines[index]
        let found = try #require(fields(line), "\(logger): not read as JSON")
        for (name, value) in expected {
            #expect(found[name] == value, "\(logger): \(name)")
        }
    }

    @Test func nullIsAnEmptyFieldNotAParseError() {
        #expect(fields(#"{"k":"v1","n":null}"#) == ["k": "v1", "n": ""])
    }

    @Test func nestedObjectsAreFlattenedWithUnderscoresAndArraysAreSkippedAsInLogQL() {
        #expect(fields(#"{"a":{"b":1}}"#) == ["a_b": "1"])
        #expect(fields(#"{"counter":1, "price": {"net_":["10","20"]}}"#) == ["counter": "1"])
        #expect(fields(#"{"a":[{"b":[1,{"c":null}]},[],"x"],"d":{"e":{}},"f":true}"#) == ["f": "true"])
        #expect(fields(#"{"app":"foo","pod":{"uuid":"u","deployment":{"ref":"r"}},"next":{"err":false}}"#)
            == ["app": "foo", "pod_uuid": "u", "pod_deployment_ref": "r", "next_err": "false"])
    }

    @Test func numbersOfAnySizeKeepTheTextTheyWereWrittenAs() {
        #expect(fields(#"{"id":123456789012345678901234567890,"f":1.5e400,"z":-0.0,"e":1E-7,"p":2e+3,"n":-17}"#)
            == ["id": "123456789012345678901234567890", "f": "1.5e400", "z": "-0.0", "e": "1E-7", "p": "2e+3",
                "n": "-17"])
    }

    @Test func escapesAndUnicodeAreDecoded() {
        #expect(fields(#"{"s":"q\"b\\s\/n\nt\tr\rb\bf\f"}"#) == ["s": "q\"b\\s/n\nt\tr\rb\u{8}f\u{C}"])
        #expect(fields(#"{"u":"caf\u00E9 \ud83d\ude00 日本 \u0000"}"#) == ["u": "café 😀 日本 \u{0}"])
        #expect(fields(#"{"lone":"\ud800x\udc00"}"#) == ["lone": "\u{FFFD}x\u{FFFD}"])
        #expect(fields(#"{"José":"😀","cou-nter":1,"123key":"v","a.b":"c"}"#)
            == ["Jos_": "😀", "cou_nter": "1", "_123key": "v", "a_b": "c"])
    }

    @Test func whitespaceAroundTokensAndEmptyObjectsAreFine() {
        #expect(fields(" \t{ \"a\" :\n1 , \"b\":{ } }\r\n") == ["a": "1"])
        #expect(fields("{}") == [:])
    }

    @Test(arguments: [
        "{n}", #"{"a":}"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#,
        #"{"a":-}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, #"{"a":"open}"#,
        #"{"a":1} trailing"#, #"{"a":1}}"#, #"{"a":[1,]}"#, #"{"a":[1 2]}"#, #"{"a":[}"#, #"{a:1}"#,
        "[1,2]", #""text""#, "", "plain text line", #"{"a":'x'}"#,
    ])
    func malformedTextIsAParseError(_ line: String) {
        #expect(fields(line) == nil)
    }

    @Test func deepNestingIsAParseErrorNotACrash() {
        let brackets = String(repeating: "[", count: 100_000)
        #expect(fields(#"{"a":"# + brackets) == nil)
        #expect(fields(#"{"a":"# + brackets + String(repeating: "]", count: 100_000) + "}") == nil)
        #expect(fields(String(repeating: #"{"a":"#, count: 100_000)) == nil)
        let deepest = JSONFields.maxDepth
        let nested = String(repeating: #"{"a":"#, count: deepest - 1) + #"{"b":1}"#
            + String(repeating: "}", count: deepest - 1)
        #expect(fields(nested) == [String(repeating: "a_", count: deepest - 1) + "b": "1"])
        #expect(fields(#"{"x":"# + nested + "}") == nil)
    }

    @Test func aStructuredBodyIsFlattenedTheSameWay() {
        let body = AttributeValue.map([
            Attribute("a", .map([Attribute("b", .int(1))])), Attribute("tags", .array([.string("x")])),
            Attribute("ok", .bool(true)),
        ])
        #expect(JSONFields.flatten(body) == [Label("a_b", "1"), Label("ok", "true")])
    }

    @Test func aLineWithANullCanBeFilteredByField() throws {
        let pipeline = try LogPipeline([.json, .fields(.compare(field: "k", .equal, .string("v1")))])
        let record = LogRecord(time: 0, body: .string(#"{"k":"v1","stacktrace":null}"#), resource: Resource())
        let entry = try #require(pipeline.run(record))
        #expect(entry.value(of: LogPipeline.errorField) == nil)
        #expect(entry.value(of: "stacktrace") == "")
    }
}
