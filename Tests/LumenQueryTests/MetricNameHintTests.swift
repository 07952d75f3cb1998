import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

struct MetricNameHintTests {
    static let known = [
        "http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_count",
        "http_server_request_duration_seconds_sum", "http_server_requests_total", "newcomer_orders_total", "up",
    ]

    @Test func anOpenTelemetryCounterAskedForByItsOwnNameSuggestsItsTotal() {
        #expect(MetricNameHint.warnings(for: ["newcomer_orders"], known: Self.known)
            == [#"no metric is named "newcomer_orders"; these start with it: newcomer_orders_total"#])
    }

    @Test func aNameAsTheSenderSpeltItSuggestsEveryStoredNameItBegins() {
        #expect(MetricNameHint.warnings(for: ["http.server.request.duration"], known: Self.known) == [
            #"no metric is named "http.server.request.duration"; these start with it: "#
                + "http_server_request_duration_seconds_sum, http_server_request_duration_seconds_count, "
                + "http_server_request_duration_seconds_bucket",
        ])
    }

    @Test func aTypoWithNoNameStartingWithItSuggestsTheNearestName() {
        #expect(MetricNameHint.warnings(for: ["newcomer_order_total"], known: Self.known)
            == [#"no metric is named "newcomer_order_total"; did you mean newcomer_orders_total?"#])
        #expect(MetricNameHint.warnings(for: ["nothing_like_it"], known: Self.known)
            == [#"no metric is named "nothing_like_it""#])
    }

    @Test func namesThatExistOrRepeatGiveNoMoreWarnings() {
        #expect(MetricNameHint.warnings(for: ["up", "newcomer_orders_total"], known: Self.known).isEmpty)
        #expect(MetricNameHint.warnings(for: ["newcomer_orders", "newcomer_orders"], known: Self.known).count == 1)
    }

    @Test func manyNamesAreCountedBeyondTheFirstFive() {
        let known = (1...8).map { "jobs_\($0)_total" }
        #expect(MetricNameHint.warnings(for: ["jobs"], known: known)
            == [#"no metric is named "jobs"; these start with it: "#
                + "jobs_1_total, jobs_2_total, jobs_3_total, jobs_4_total, jobs_5_total and 3 more"])
    }

    @Test func theEngineWarnsOnlyWhenAMetricQueryMatchedNothing() throws {
        let base: Int64 = 1_700_000_000 * Timestamp.nanosecondsPerSecond
        let head = Head()
        head.append(Batch(series: [TimeSeries(
            labels: Labels(["__name__": "newcomer_orders_total", "service": "shop"]),
            samples: [Sample(timestamp: base, value: 3)])]))
        let engine = QueryEngine(store: head)
        func warnings(_ text: String) throws -> [String] {
            let query = Query.metrics(try Parser.parsePromQL(text))
            let result = try engine.execute(query, tenant: .anonymous, window: .instant(base))
            return engine.warnings(of: query, result: result, tenant: .anonymous)
        }
        #expect(try warnings("sum(rate(newcomer_orders[5m]))")
            == [#"no metric is named "newcomer_orders"; these start with it: newcomer_orders_total"#])
        #expect(try warnings(#"{__name__="newcomer_orders"}"#).count == 1)
        #expect(try warnings("newcomer_orders_total").isEmpty)
        // The metric exists; only its labels did not match: nothing to suggest.
        #expect(try warnings(#"newcomer_orders_total{service="other"}"#).isEmpty)
        // Something matched: no warning, even though one side names a missing metric.
        #expect(try warnings("newcomer_orders_total or newcomer_orders").isEmpty)
    }
}
