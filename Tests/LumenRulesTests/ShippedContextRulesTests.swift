import Foundation
import LumenEngine
import LumenModel
import LumenQuery
import Testing

@testable import LumenRules

/// `Rules/context.yaml`, the shipped rules over raw spans and logs, which promtool cannot run: evaluated against
/// a store holding failing server spans and error logs of `payment`, both alerts go pending, then fire after
/// their `for`, and their annotations name the failing traces, the command that opens one and the log template.
struct ShippedContextRulesTests {
    static let second: Int64 = 1_000_000_000
    static let start: Int64 = 1_800_000_000 * second
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Rules/context.yaml").standardized.path

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service))])
    }

    /// Every second for `seconds`: a failing server span of `payment` (its own trace) and an `ok` one of `cart`,
    /// and two error logs of `payment` that share one template.
    static func telemetry(seconds: Int64) -> Batch {
        var spans: [Span] = []
        var logs: [LogRecord] = []
        for index in 0..<seconds {
            let time = start + index * second
            spans.append(Span(
                traceID: TraceID(high: 7, low: UInt64(index + 1)), spanID: SpanID(UInt64(index + 1)), name: "Charge",
                kind: .server, startTime: time, endTime: time + 40_000_000, status: SpanStatus(code: .error),
                resource: resource("payment")))
            spans.append(Span(
                traceID: TraceID(high: 8, low: UInt64(index + 1)), spanID: SpanID(UInt64(index + 1)), name: "GetCart",
                kind: .server, startTime: time, endTime: time + 5_000_000, status: SpanStatus(code: .ok),
                resource: resource("cart")))
            for order in 0..<2 {
                logs.append(LogRecord(
                    time: time + Int64(order) * 1_000_000, severity: Severity(.error),
                    body: .string("card declined for order \(index * 2 + Int64(order)): insufficient funds"),
                    resource: resource("payment")))
            }
        }
        return Batch(spans: spans, logs: logs)
    }

    @Test func bothAlertsFireForPaymentWithItsTracesAndLogTemplate() async throws {
        let head = Head()
        head.append(Self.telemetry(seconds: 600))
        let engine = QueryEngine(store: head)
        var environment = RuleEnvironment.local(head: head, engine: engine)
        environment.alertContext = AlertContext(engine: engine).provider(tenant: .anonymous)
        let group = try #require(try RuleFiles.load([Self.file]).first)
        #expect(group.rules.map(\.name) == ["ServiceErrorsWithTraces", "ErrorLogBurst"])
        let runtime = RuleGroupRuntime(group)

        // Every 30 s from 5 minutes in: pending at the first evaluation, firing once `for: 2m` has passed.
        var sent: [OutgoingAlert] = []
        for step in Int64(0)..<6 {
            sent += await runtime.evaluate(at: Self.start + 300 * Self.second + step * 30 * Self.second, environment: environment)
        }
        let rules = await runtime.status().rules
        for rule in rules {
            let alerts = rule.alerts
            #expect(alerts.count == 1, "\(rule.rule.name) alerts only for payment")
            #expect(alerts.first?.labels["service"] == "payment")
            #expect(alerts.first?.state == .firing)
        }

        let errors = try #require(sent.last { $0.labels["alertname"] == "ServiceErrorsWithTraces" })
        let annotations = Dictionary(errors.annotations.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(errors.labels["severity"] == "page")
        #expect(annotations["summary"] == "payment: 1 failing requests per second")
        let traces = (annotations["traces"] ?? "").split(separator: " ").map(String.init)
        #expect(traces.count == AlertContext.maximumTraceIDs)
        // Only payment's failing traces (high word 7), never cart's.
        #expect(traces.allSatisfy { $0.hasPrefix("0000000000000007") })
        #expect(annotations["open"] == "lumen trace \(traces.first ?? "-")")
        #expect(annotations["logs"]?.contains("card declined for order <_>: insufficient funds") == true)

        let burst = try #require(sent.last { $0.labels["alertname"] == "ErrorLogBurst" })
        let burstAnnotations = Dictionary(burst.annotations.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(burst.labels["severity"] == "ticket")
        #expect(burstAnnotations["summary"] == "payment logs 2 errors per second")
        #expect(burstAnnotations["logs"]?.contains("× card declined for order <_>: insufficient funds") == true, "\(burstAnnotations)")
        #expect(burstAnnotations["open"]?.hasPrefix("lumen trace 0000000000000007") == true)
    }
}
