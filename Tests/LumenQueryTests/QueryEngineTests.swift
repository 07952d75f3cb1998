import Foundation
import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct QueryEngineTests {
    static let second = Timestamp.nanosecondsPerSecond
    static let base: Int64 = 1_700_000_000 * Timestamp.nanosecondsPerSecond
    static let resource = Resource(attributes: [Attribute("service.name", .string("cart"))])

    private func head() -> Head {
        let head = Head()
        let up = Labels(["__name__": "up", "service": "cart"])
        let down = Labels(["__name__": "up", "service": "db"])
        head.append(Batch(
            logs: [
                LogRecord(time: Self.base, severity: Severity(.info), body: .string("started"), resource: Self.resource),
                LogRecord(time: Self.base + Self.second, severity: Severity(.warn), body: .string("slow timeout"), resource: Self.resource),
                LogRecord(time: Self.base + 2 * Self.second, severity: Severity(.error), body: .string("failed: timeout"), resource: Self.resource),
            ],
            series: [
                TimeSeries(labels: up, samples: (0..<10).map { Sample(timestamp: Self.base + Int64($0) * 60 * Self.second, value: Double($0)) }),
                TimeSeries(labels: down, samples: [
                    Sample(timestamp: Self.base, value: 1),
                    Sample(timestamp: Self.base + 60 * Self.second, value: Double(bitPattern: Sample.staleMarkerBits)),
                ]),
            ]))
        return head
    }

    @Test func anInstantQueryTakesTheNewestSampleWithinTheLookback() throws {
        let engine = QueryEngine(store: head())
        let result = try engine.execute("up", tenant: .anonymous, window: .instant(Self.base + 150 * Self.second))
        guard case .vector(let samples) = result else { Issue.record("\(result)"); return }
        // db's last sample is a stale marker: the series is gone, as in Prometheus.
        #expect(samples.map(\.labels["service"]) == ["cart"])
        #expect(samples.first?.sample.value == 2)
        let late = try engine.execute("up", tenant: .anonymous, window: .instant(Self.base + 20 * 60 * Self.second))
        #expect(late == .vector([]))
    }

    @Test func aRangeQueryEvaluatesAtEveryStep() throws {
        let engine = QueryEngine(store: head())
        let window = QueryWindow(start: Self.base, end: Self.base + 180 * Self.second, step: 60 * Self.second)
        let result = try engine.execute(#"up{service="cart"}"#, tenant: .anonymous, window: window)
        #expect(result == .matrix([TimeSeries(
            labels: Labels(["__name__": "up", "service": "cart"]),
            samples: (0..<4).map { Sample(timestamp: Self.base + Int64($0) * 60 * Self.second, value: Double($0)) })]))
    }

    @Test func logQueriesFilterBySeverityAndLineInTimeOrder() throws {
        let engine = QueryEngine(store: head())
        let window = QueryWindow(start: Self.base, end: Self.base + 10 * Self.second, step: nil)
        let result = try engine.execute(#"{service="cart", severity>="warn"} |= "timeout""#, tenant: .anonymous, window: window)
        guard case .logs(let records) = result else { Issue.record("\(result)"); return }
        #expect(records.map(\.line) == ["failed: timeout", "slow timeout"])
        let other = try engine.execute(#"{service="cart"}"#, tenant: Tenant("other")!, window: window)
        #expect(other == .logs([]))
    }

    @Test func promQLExpressionsAnswerScalarsStringsAndAggregates() throws {
        let engine = QueryEngine(store: head())
        let time = Self.base + 150 * Self.second
        #expect(try engine.execute("1 + 2 * 3", tenant: .anonymous, window: .instant(time))
            == .scalar(Sample(timestamp: time, value: 7)))
        #expect(try engine.execute(#""text""#, tenant: .anonymous, window: .instant(time)) == .string("text", at: time))
        let sum = try engine.execute("sum by (__name__) (up) * 10", tenant: .anonymous, window: .instant(time))
        #expect(sum == .vector([InstantSample(labels: Labels([]), sample: Sample(timestamp: time, value: 20))]))
        let rate = try engine.execute(#"rate(up{service="cart"}[5m])"#, tenant: .anonymous,
            window: .instant(Self.base + 9 * 60 * Self.second))
        guard case .vector(let rates) = rate, let first = rates.first else { Issue.record("\(rate)"); return }
        #expect(abs(first.sample.value - 1.0 / 60) < 1e-12)
        #expect(first.labels == Labels(["service": "cart"]))
    }

    @Test func scalarAndStringResultsHaveANativeJSONShape() throws {
        let scalar = QueryResponse(.scalar(Sample(timestamp: 5, value: 1.5)))
        #expect(scalar.kind == .scalar)
        #expect(scalar.series == [QueryResponse.Series(labels: [:], points: [.init(t: 5, v: "1.5")])])
        let string = QueryResponse(.string("hi", at: 7))
        #expect(string.kind == .string)
        #expect(string.string == "hi" && string.time == 7)
    }

    @Test func aRangeQueryOverAnExpressionGivesOneSeriesPerLabelSet() throws {
        let engine = QueryEngine(store: head())
        let window = QueryWindow(start: Self.base + 60 * Self.second, end: Self.base + 180 * Self.second,
            step: 60 * Self.second)
        let result = try engine.execute("count(up) + 0", tenant: .anonymous, window: window)
        // db goes stale at +60s: only cart is left.
        #expect(result == .matrix([TimeSeries(labels: Labels([]), samples: [1, 2, 3].map {
            Sample(timestamp: Self.base + Int64($0) * 60 * Self.second, value: 1)
        })]))
        #expect(throws: QueryError.self) {
            try engine.execute("up[5m]", tenant: .anonymous, window: window)
        }
    }

    @Test func aSpanQuerysAnswerStillReadsAsSpansForOlderClients() throws {
        let engine = QueryEngine(store: ShopTelemetry.head())
        let response = QueryResponse(try engine.execute("{status=error}", tenant: .anonymous, window: ShopTelemetry.minute))
        #expect(response.kind == .traces)
        switch response.kind {
        case .spans: #expect(response.spans?.map(\.name) == ["Charge"])
        default: Issue.record("a span query's answer no longer matches .spans")
        }
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(response)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["kind", "traces"])
    }
}
