import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct LogMetricTests {
    private let engine = QueryEngine(store: ShopTelemetry.head())


    @Test func countOverTimeCountsLinesPerStreamAndComposesWithAggregations() throws {
        let perStream = try engine.execute(#"count_over_time({service="cart"}[1m])"#, tenant: .anonymous,
            window: ShopTelemetry.afterAll)
        guard case .vector(let streams) = perStream else { Issue.record("\(perStream)"); return }
        #expect(Set(streams.map(\.labels)) == [
            Labels(["service": "cart", "severity": "error"]), Labels(["service": "cart", "severity": "info"]),
            Labels(["service": "cart", "severity": "warn"]),
        ])
        #expect(try engine.values(#"sum by (service) (count_over_time({service=~"cart|payment"}[1m]))"#, by: "service")
            == ["cart": 3, "payment": 3])
        #expect(try engine.values(#"sum by (service) (count_over_time({service=~"cart|payment"} |= "ok" [1m]))"#, by: "service")
            == ["cart": 1, "payment": 1])
    }

    @Test func rateIsLinesPerSecondOverTheWindowAndBytesCountTheLines() throws {
        #expect(try engine.values(#"sum(rate({service="payment"}[1m]))"#, by: "") == ["": 3.0 / 60])
        let size = Double(ShopTelemetry.paymentDeclined.utf8.count + ShopTelemetry.paymentOK.utf8.count
            + ShopTelemetry.paymentBroken.utf8.count)
        #expect(try engine.values(#"sum(bytes_over_time({service="payment"}[1m]))"#, by: "") == ["": size])
        #expect(try engine.values(#"sum(bytes_rate({service="payment"}[1m]))"#, by: "") == ["": size / 60])
    }

    @Test func unwrappedFieldsFeedTheOverTimeFunctionsGroupedByLabels() throws {
        #expect(try engine.values(#"max_over_time({service="payment"} | logfmt | unwrap duration [1m]) by (service)"#,
            by: "service") == ["payment": 0.55])
        #expect(try engine.values(#"sum_over_time({service="payment"} | logfmt | unwrap bytes(size) [1m]) by (service)"#,
            by: "service") == ["payment": 2100])
        let median = try engine.values(
            #"quantile_over_time(0.5, {service="cart"} | json | unwrap latency [1m]) by (service)"#, by: "service")
        #expect(abs((median["cart"] ?? 0) - 0.76) < 1e-9)
    }

    @Test func extractedFieldsBecomeSeriesLabels() throws {
        #expect(try engine.values(#"sum by (status) (count_over_time({service="cart"} | json [1m]))"#, by: "status")
            == ["504": 1, "200": 1, "": 1])
    }

    @Test func anExtractedFieldNamedLikeAStreamLabelKeepsTheStreamsValue() throws {
        #expect(try engine.values(#"sum by (service) (count_over_time({service="payment"} | logfmt [1m]))"#,
            by: "service") == ["payment": 3])
        #expect(try engine.values(
            #"sum by (service_extracted) (count_over_time({service="payment"} | logfmt [1m]))"#,
            by: "service_extracted") == ["billing": 1, "": 2])
        // Without the sum pushing its grouping down, the per-line series say the same.
        #expect(try engine.values(#"max by (service) (count_over_time({service="payment"} | logfmt [1m]))"#,
            by: "service") == ["payment": 1])
    }

    @Test func logMetricsTakePartInBinaryOperations() throws {
        let ratio = try engine.values(
            #"sum(count_over_time({service="cart"} | json | status >= 500 [1m])) / sum(count_over_time({service="cart"}[1m]))"#,
            by: "")
        #expect(ratio == ["": 1.0 / 3])
    }

    @Test func aRangeQueryOverLogsGivesAPointPerStep() throws {
        let window = QueryWindow(
            start: ShopTelemetry.base, end: ShopTelemetry.base + 20 * ShopTelemetry.second, step: 10 * ShopTelemetry.second)
        let result = try engine.execute(#"sum(count_over_time({service="cart"}[10s]))"#, tenant: .anonymous,
            window: window)
        guard case .matrix(let series) = result else { Issue.record("\(result)"); return }
        // (base-10s, base]: nothing yet at 0; the timeout line at +35ms lands in (base, base+10s]; two in the next.
        #expect(series.first?.samples.map(\.value) == [1, 2])
        #expect(series.first?.samples.map(\.timestamp) == [ShopTelemetry.base + 10 * ShopTelemetry.second,
            ShopTelemetry.base + 20 * ShopTelemetry.second])
    }

    @Test func functionsThatNeedValuesSayWhatIsMissing() throws {
        do {
            _ = try Parser.parse(#"sum_over_time({service="cart"}[1m])"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("needs values: add | unwrap"))
        }
        #expect(throws: QueryError.self) { try Parser.parse(#"bytes_rate({kind=server}[1m])"#) }
        #expect(throws: QueryError.self) { try Parser.parse(#"count_over_time({service="cart"} | json)"#) }
        // The Prometheus API keeps PromQL's meaning: braces without a name are a metric selector.
        #expect(try Parser.parsePromQL(#"count_over_time({service="cart"}[1m])"#)
            == .call(name: "count_over_time", arguments: [.matrixSelector(
                VectorSelector(matchers: [try LabelMatcher("service", .equal, "cart")]), range: 60_000_000_000)]))
    }
}
