import LumenModel
import LumenWire
import Testing

struct StatsDParserTests {
    private func parse(_ text: String) -> (metrics: [StatsDMetric], malformed: Int, firstError: String?) {
        StatsDParser.parse(Array(text.utf8))
    }

    @Test func everyTypeParsesWithRatesAndTags() {
        let result = parse(
            "api.requests:1|c|@0.1|#route:/cart,method:GET\nqueue.depth:42|g\nqueue.depth:-3|g\nqueue.depth:+2.5|g\n"
                + "db.query:12.5|ms\npayload:512|h|#env:prod\nlatency:3|d\nusers:alice|s\n")
        #expect(result.malformed == 0)
        #expect(result.firstError == nil)
        #expect(
            result.metrics == [
                StatsDMetric(
                    name: "api.requests", value: .number(1), type: .counter, sampleRate: 0.1,
                    tags: [Label("route", "/cart"), Label("method", "GET")]),
                StatsDMetric(name: "queue.depth", value: .number(42), type: .gauge(delta: false)),
                StatsDMetric(name: "queue.depth", value: .number(-3), type: .gauge(delta: true)),
                StatsDMetric(name: "queue.depth", value: .number(2.5), type: .gauge(delta: true)),
                StatsDMetric(name: "db.query", value: .number(12.5), type: .timer),
                StatsDMetric(name: "payload", value: .number(512), type: .histogram, tags: [Label("env", "prod")]),
                StatsDMetric(name: "latency", value: .number(3), type: .distribution),
                StatsDMetric(name: "users", value: .member("alice"), type: .set),
            ])
    }

    @Test func crlfEmptyLinesAndUnknownSectionsAreTolerated() {
        let result = parse("a:1|c\r\n\r\n  \nb:2|g|c:abc123|T1700000000|#k:v,bare\n")
        #expect(result.malformed == 0)
        #expect(result.metrics.map(\.name) == ["a", "b"])
        // A tag without a value is dropped.
        #expect(result.metrics[1].tags == [Label("k", "v")])
    }

    @Test func malformedLinesAreCountedAndTheRestKept() {
        let lines = [
            "ok:1|c",
            "novalue",  // no colon
            ":1|c",  // empty name
            "x:1",  // no type
            "x:1|q",  // unknown type
            "x:abc|c",  // not a number
            "x:inf|g",  // not finite
            "x:nan|ms",
            "x:1e400|h",  // overflows
            "x:0x10|c",  // hex is not StatsD
            "x:1|c|@0",  // rate out of range
            "x:1|c|@1.5",
            "x:1|c|@abc",
            "x:|s",  // empty set member
            "also.ok:2|ms",
        ]
        let result = parse(lines.joined(separator: "\n"))
        #expect(result.metrics.map(\.name) == ["ok", "also.ok"])
        #expect(result.malformed == lines.count - 2)
        #expect(result.firstError == "line 2: \"novalue\" has no \":\"; expected name:value|type")
    }

    @Test func eachMalformedReasonNamesTheProblem() {
        #expect(parse("x:1|q").firstError?.contains("unknown type \"q\"") == true)
        #expect(parse("x:abc|c").firstError?.contains("value \"abc\" is not a finite number") == true)
        #expect(parse("x:1|c|@2").firstError?.contains("sample rate \"@2\" must be in (0, 1]") == true)
    }

    @Test func invalidUTF8IsReplacedNotFatal() {
        let result = StatsDParser.parse([0x61, 0xff, 0x3a, 0x31, 0x7c, 0x63])  // "a\xff:1|c"
        #expect(result.malformed == 0)
        #expect(result.metrics.first?.name == "a\u{FFFD}")
    }

    @Test func anEmptyDatagramHasNothing() {
        let result = StatsDParser.parse([])
        #expect(result.metrics.isEmpty && result.malformed == 0 && result.firstError == nil)
    }

    @Test func aHugeLineIsShortenedInTheError() throws {
        let line = String(repeating: "y", count: 5000)
        let error = try #require(parse(line).firstError)
        #expect(error.count < 200)
    }
}
