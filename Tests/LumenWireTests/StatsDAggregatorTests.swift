import LumenModel
import LumenWire
import Testing

struct StatsDAggregatorTests {
    private static let t1: Int64 = 1_700_000_010_000_000_000
    private static let t2: Int64 = 1_700_000_020_000_000_000

    private func aggregator(percentiles: [Double] = [0.5, 0.9, 0.99]) -> StatsDAggregator {
        StatsDAggregator(tenant: Fixtures.tenant, resource: Fixtures.checkout, percentiles: percentiles)
    }

    private func add(_ text: String, to aggregator: inout StatsDAggregator) {
        let parsed = StatsDParser.parse(Array(text.utf8))
        precondition(parsed.malformed == 0, parsed.firstError ?? "")
        for metric in parsed.metrics { aggregator.add(metric) }
    }

    private func values(_ batch: Batch) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: batch.series.map { ($0.labels.description, $0.samples[0].value) })
    }

    /// Same series, values equal to within rounding (durations are divided by 1000).
    private func approximately(_ actual: [String: Double], _ expected: [String: Double]) -> Bool {
        actual.keys.sorted() == expected.keys.sorted()
            && expected.allSatisfy { abs(actual[$0.key]! - $0.value) <= 1e-9 * max(1, abs($0.value)) }
    }

    @Test func countersAreCumulativeAcrossFlushesAndScaledByTheirRate() {
        var statsd = aggregator()
        add("api.requests:1|c|@0.5|#code:200\napi.requests:3|c|#code:200", to: &statsd)
        let first = statsd.flush(at: Self.t1)
        #expect(first.tenant == Fixtures.tenant)
        #expect(
            first.series == [
                TimeSeries(
                    labels: Labels(["__name__": "api_requests_total", "code": "200", "service": "checkout"]),
                    samples: [Sample(timestamp: Self.t1, value: 5)])
            ])
        #expect(values(statsd.flush(at: Self.t2)) == ["api_requests_total{code=\"200\", service=\"checkout\"}": 5])
        add("api.requests:1|c|#code:200", to: &statsd)
        #expect(values(statsd.flush(at: Self.t2)) == ["api_requests_total{code=\"200\", service=\"checkout\"}": 6])
    }

    @Test func aCounterNamedWithTotalIsNotDoubled() {
        var statsd = aggregator()
        add("jobs_total:2|c", to: &statsd)
        #expect(statsd.flush(at: Self.t1).series.first?.labels.metricName == "jobs_total")
    }

    @Test func gaugesApplyDeltasAndHoldTheirValue() {
        var statsd = aggregator()
        add("queue.depth:10|g\nqueue.depth:+5|g\nqueue.depth:-3|g\nfresh:-2|g", to: &statsd)
        let expected = ["queue_depth{service=\"checkout\"}": 12.0, "fresh{service=\"checkout\"}": -2]
        #expect(values(statsd.flush(at: Self.t1)) == expected)
        #expect(values(statsd.flush(at: Self.t2)) == expected)
        add("queue.depth:4|g", to: &statsd)
        #expect(values(statsd.flush(at: Self.t2))["queue_depth{service=\"checkout\"}"] == 4)
    }

    @Test func timersBecomeSummariesInSeconds() {
        var statsd = aggregator()
        for ms in 1...100 { add("db.query:\(ms)|ms", to: &statsd) }
        let batch = statsd.flush(at: Self.t1)
        #expect(
            approximately(values(batch), [
                "db_query_seconds{quantile=\"0.5\", service=\"checkout\"}": 0.05,
                "db_query_seconds{quantile=\"0.9\", service=\"checkout\"}": 0.09,
                "db_query_seconds{quantile=\"0.99\", service=\"checkout\"}": 0.099,
                "db_query_seconds_sum{service=\"checkout\"}": 5.05,
                "db_query_seconds_count{service=\"checkout\"}": 100,
            ]))
        #expect(batch.series.allSatisfy { $0.samples == [Sample(timestamp: Self.t1, value: $0.samples[0].value)] })
        // The next interval has no samples: quantiles go, _sum and _count stay (they are cumulative).
        add("db.query:1000|ms|@0.5", to: &statsd)
        #expect(
            approximately(values(statsd.flush(at: Self.t2)), [
                "db_query_seconds{quantile=\"0.5\", service=\"checkout\"}": 1,
                "db_query_seconds{quantile=\"0.9\", service=\"checkout\"}": 1,
                "db_query_seconds{quantile=\"0.99\", service=\"checkout\"}": 1,
                "db_query_seconds_sum{service=\"checkout\"}": 7.05,
                "db_query_seconds_count{service=\"checkout\"}": 102,
            ]))
        #expect(statsd.flush(at: Self.t2).series.count == 2)
    }

    @Test func histogramsAndDistributionsKeepTheirUnits() {
        var statsd = aggregator(percentiles: [0.5])
        add("payload.bytes:100|h\npayload.bytes:300|h\nlatency:7|d|#region:eu", to: &statsd)
        #expect(
            values(statsd.flush(at: Self.t1)) == [
                "payload_bytes{quantile=\"0.5\", service=\"checkout\"}": 100,
                "payload_bytes_sum{service=\"checkout\"}": 400,
                "payload_bytes_count{service=\"checkout\"}": 2,
                "latency{quantile=\"0.5\", region=\"eu\", service=\"checkout\"}": 7,
                "latency_sum{region=\"eu\", service=\"checkout\"}": 7,
                "latency_count{region=\"eu\", service=\"checkout\"}": 1,
            ])
    }

    @Test func setsCountDistinctMembersPerInterval() {
        var statsd = aggregator()
        add("users:alice|s\nusers:bob|s\nusers:alice|s", to: &statsd)
        #expect(values(statsd.flush(at: Self.t1)) == ["users{service=\"checkout\"}": 2])
        #expect(statsd.flush(at: Self.t2).isEmpty)
    }

    @Test func tagsWinOverResourceLabelsAndGetValidNames() {
        var statsd = aggregator()
        add("hits:1|c|#service:override,http.route:/a,__name__:evil", to: &statsd)
        let labels = statsd.flush(at: Self.t1).series.first?.labels
        #expect(labels == Labels(["__name__": "hits_total", "service": "override", "http_route": "/a"]))
    }

    @Test func anEmptyAggregatorFlushesAnEmptyBatch() {
        var statsd = aggregator()
        #expect(statsd.flush(at: Self.t1).isEmpty)
    }
}
