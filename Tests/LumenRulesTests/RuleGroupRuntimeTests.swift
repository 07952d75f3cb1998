import LumenEngine
import LumenModel
import LumenQuery
import Testing

@testable import LumenRules

/// A group evaluated against a real in-memory store: what recording rules write is read back by a query, and a
/// restart restores `for` progress from ALERTS_FOR_STATE.
struct RuleGroupRuntimeTests {
    private static let minute: Int64 = 60_000_000_000

    private func group(_ text: String) throws -> RuleGroup {
        try #require(try RuleFileParser.parse(text, file: "g.yaml").first)
    }

    @Test func aRecordingRuleSeriesIsQueryableAndLaterRulesSeeIt() async throws {
        let head = Head()
        head.append(Batch(series: [TimeSeries(
            labels: Labels(["__name__": "up", "job": "api"]), samples: [Sample(timestamp: Self.minute, value: 1)])]))
        let engine = QueryEngine(store: head)
        let environment = RuleEnvironment.local(head: head, engine: engine)
        let runtime = RuleGroupRuntime(try group("""
            groups:
              - name: g
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - record: job:up:double
                    expr: job:up:sum * 2
            """))
        _ = await runtime.evaluate(at: Self.minute, environment: environment)
        let result = try RuleQuery.instant(
            try Parser.parsePromQL("job:up:double"), at: Self.minute, engine: engine, tenant: .anonymous)
        #expect(result.map(\.sample.value) == [2])
        #expect(result.first?.labels == Labels(["__name__": "job:up:double", "job": "api"]))
    }

    @Test func aRestartRestoresHowLongAnAlertWasPending() async throws {
        let head = Head()
        let engine = QueryEngine(store: head)
        let environment = RuleEnvironment.local(head: head, engine: engine)
        let text = """
            groups:
              - name: g
                rules:
                  - alert: Down
                    expr: vector(1)
                    for: 30m
            """
        let start = 1_000 * Self.minute
        let before = RuleGroupRuntime(try group(text))
        _ = await before.evaluate(at: start, environment: environment)
        _ = await before.evaluate(at: start + 10 * Self.minute, environment: environment)
        // Down for 5 minutes, then a new process: pending again from its first evaluation, restored after.
        let after = RuleGroupRuntime(try group(text), restored: false)
        let restart = start + 15 * Self.minute
        _ = await after.evaluate(at: restart, environment: environment)
        await after.restoreForState(at: restart, environment: environment)
        let alert = try #require(await after.status().rules.first?.alerts.first)
        // Active since `start`, moved forward by the 5 minutes the server was down.
        #expect(alert.activeAt == start + 5 * Self.minute && alert.state == .pending)
    }
}
