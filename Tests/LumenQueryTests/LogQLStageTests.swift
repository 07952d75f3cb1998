import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// LogQL's label stages (`pattern`, `line_format`, `label_format`, `drop`, `keep`) and Loki's view of levels,
/// with Loki's semantics, over the shop's logs (cart writes JSON, payment logfmt).
struct LogQLStageTests {
    private let engine = QueryEngine(store: ShopTelemetry.head())
    private let window = ShopTelemetry.minute

    private func lines(_ query: String, limit: Int = 100) throws -> [LabeledLine] {
        guard case .logs(let logs) = try Parser.parseLogQL(query) else {
            Issue.record("not a log query: \(query)")
            return []
        }
        return try engine.labeledLines(
            logs, tenant: .anonymous, from: window.start, to: window.end, limit: limit, forward: true)
    }

    private func vector(_ query: String) throws -> [String: Double] {
        guard case .vector(let samples) = try engine.execute(
            Parser.parseLogQL(query), tenant: .anonymous, window: ShopTelemetry.afterAll)
        else { return [:] }
        return Dictionary(uniqueKeysWithValues: samples.map { ($0.labels.description, $0.sample.value) })
    }

    @Test func lineFormatRewritesTheLineFromLabelsAndFiltersAfterItSeeTheNewLine() throws {
        let formatted = try lines(#"{service="payment"} | logfmt | line_format "{{.status}} {{ .msg | ToUpper }}""#)
        #expect(formatted.map(\.line) == ["502 CARD DECLINED", "200 OK", " "])
        #expect(try lines(#"{service="payment"} | logfmt | line_format "{{.status}}" |= "50""#).map(\.line) == ["502"])
        #expect(try lines(#"{service="cart"} | line_format "{{ __line__ | trunc 8 }}""#).map(\.line).first == #"{"level""#)
    }

    @Test func labelFormatRenamesAndSetsFromTemplatesReadingTheLabelsBeforeTheStage() throws {
        let line = try lines(#"{service="payment"} | logfmt | label_format code=status, text="{{.msg}}!" | code="502""#)
        #expect(line.count == 1)
        #expect(line.first?.parsed.contains(Label("code", "502")) == true)
        #expect(line.first?.parsed.contains { $0.name == "status" } == false)
        #expect(line.first?.parsed.contains(Label("text", "card declined!")) == true)
    }

    @Test func patternCapturesBetweenLiteralsAndLeavesOtherLinesUnparsed() throws {
        let parsed = try lines(#"{service="payment"} | pattern "level=<lvl> msg=<_> status=<status> <_>""#)
        #expect(parsed.first?.parsed == [Label("lvl", "error"), Label("status", "502")])
        #expect(parsed.last?.parsed == [])  // `oops "unterminated` does not start with `level=`
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="a"} | pattern "<a><b>""#) }
        #expect(throws: QueryError.self) { try Parser.parseLogQL(#"{service="a"} | pattern "no captures""#) }
    }

    @Test func dropRemovesLabelsWhereverTheyComeFromAndDropErrorKeepsTheLine() throws {
        let kept = try lines(#"{service="payment"} | logfmt | drop __error__, size, severity, status="200""#)
        #expect(kept.count == 3)
        #expect(kept.allSatisfy { line in !line.parsed.contains { $0.name == "__error__" || $0.name == "size" } })
        #expect(kept.allSatisfy { $0.stream["severity"] == nil })
        #expect(kept[0].parsed.contains(Label("status", "502")))
        #expect(!kept[1].parsed.contains { $0.name == "status" })
    }

    @Test func keepLeavesOnlyTheNamedLabels() throws {
        let kept = try lines(#"{service="payment"} | logfmt | keep service, status"#)
        #expect(kept.first?.stream == Labels([Label("service", "payment")]))
        #expect(kept.first?.parsed == [Label("status", "502")])
    }

    @Test func levelAndDetectedLevelSelectAndGroupBySeverity() throws {
        #expect(try lines(#"{service="cart", level="error"}"#).map(\.line) == [ShopTelemetry.cartTimeout])
        #expect(try lines(#"{detected_level=~"warn|info", service="cart"}"#).count == 2)
        #expect(try lines(#"{service="cart"}"#).first?.stream["detected_level"] == "error")
        let volume = try vector(#"sum by (level, detected_level) (count_over_time({service=~".+"} | drop __error__ [1m]))"#)
        #expect(volume == [
            #"{detected_level="error", level="error"}"#: 2, #"{detected_level="info", level="info"}"#: 2,
            #"{detected_level="warn", level="warn"}"#: 2,
        ])
        // The native language's series keep their labels as they were.
        guard case .vector(let native) = try engine.execute(
            #"sum by (level) (count_over_time({service="cart"}[1m]))"#, tenant: .anonymous, window: ShopTelemetry.afterAll)
        else { Issue.record("not a vector"); return }
        #expect(native.map(\.sample.value) == [3])
    }

    @Test func metricQueriesOverParsedLinesHonourDropAndUnwrap() throws {
        let sums = try vector(#"sum by (service) (sum_over_time({service="payment"} | logfmt | drop __error__ | unwrap status [1m]))"#)
        #expect(sums == [#"{service="payment"}"#: 702])
        let top = try vector(#"topk(1, sum by (level) (bytes_over_time({service=~"cart|payment"}[1m])))"#)
        #expect(top.count == 1)
    }

    @Test func absentOverTimeIsOneOnlyWhereNoLineFalls() throws {
        #expect(try vector(#"absent_over_time({service="cart"}[1m])"#) == [:])
        #expect(try vector(#"absent_over_time({service="nosuch", level=~".+"}[1m])"#) == [#"{service="nosuch"}"#: 1])
    }

    @Test func directionForwardGivesTheOldestFirstAndBackwardTheNewest() throws {
        guard case .logs(let logs) = try Parser.parseLogQL(#"{service=~"cart|payment"}"#) else { return }
        let forward = try engine.labeledLines(logs, tenant: .anonymous, from: window.start, to: window.end, limit: 2, forward: true)
        let backward = try engine.labeledLines(logs, tenant: .anonymous, from: window.start, to: window.end, limit: 2, forward: false)
        #expect(forward.map(\.line) == [ShopTelemetry.cartTimeout, ShopTelemetry.paymentDeclined])
        #expect(backward.map(\.line) == ["plain text line", ShopTelemetry.paymentBroken])
    }

    @Test func traceIDsAndAttributesAreStructuredMetadata() throws {
        let first = try lines(#"{service="cart"}"#, limit: 1).first
        #expect(first?.metadata.contains(Label("trace_id", ShopTelemetry.trace1.hex)) == true)
    }

    @Test func templatesRefuseWhatTheyCannotRender() {
        #expect(throws: QueryError.self) { try LineTemplate("{{ if .a }}x{{ end }}") }
        #expect(throws: QueryError.self) { try LineTemplate("{{ .a | nosuch }}") }
        #expect(throws: QueryError.self) { try LineTemplate("{{ .a ") }
        #expect(LineTemplate.rfc3339(1_700_000_000_500_000_000) == "2023-11-14T22:13:20.5Z")
    }

    @Test func patternsGroupLinesByTemplateWithCountsPerStep() throws {
        guard case .logs(let logs) = try Parser.parseLogQL(#"{service="payment"}"#) else { return }
        let patterns = try engine.logPatterns(
            logs, tenant: .anonymous, from: window.start, to: window.end, step: 10 * ShopTelemetry.second)
        #expect(patterns.map(\.total).reduce(0, +) == 3)
        #expect(patterns.contains { $0.pattern == #"level=error msg="card declined" status=<_> duration=<_>ms size=<_>KB"# })
    }
}
