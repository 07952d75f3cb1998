import Foundation
import Testing

@testable import LumenRender

struct SelfMetricsQueryTests {
    static let scrape = """
        # HELP lumen_ingest_accepted_total Items accepted.
        # TYPE lumen_ingest_accepted_total counter
        lumen_ingest_accepted_total{protocol="otlp_http",signal="spans"} 1200
        lumen_ingest_accepted_total{protocol="otlp_http",signal="logs"} 300
        lumen_ingest_accepted_total{protocol="statsd",signal="metrics"} 50
        lumen_head_series 42
        lumen_wal_fsync_duration_seconds_bucket{le="0.001"} 50
        lumen_wal_fsync_duration_seconds_bucket{le="0.01"} 90
        lumen_wal_fsync_duration_seconds_bucket{le="+Inf"} 100
        broken line without value
        """

    @Test func parsesTheExpositionFormatSkippingCommentsAndJunk() {
        let samples = ExpositionText.parse(Self.scrape)
        #expect(samples.count == 7)
        #expect(
            samples[0]
                == .init(
                    name: "lumen_ingest_accepted_total", labels: ["protocol": "otlp_http", "signal": "spans"],
                    value: 1200))
        #expect(samples[6].labels["le"] == "+Inf")
    }

    @Test func selectsAndSumsByLabel() throws {
        let samples = ExpositionText.parse(Self.scrape)
        let byProtocol = try SelfMetricsQuery.parse(
            "sum by (protocol) (lumen_ingest_accepted_total{signal!=\"metrics\"})")
        #expect(
            byProtocol.evaluate(samples, previous: nil, seconds: 0) == [
                .init(labels: ["protocol": "otlp_http"], value: 1500)
            ])
        let series = try SelfMetricsQuery.parse("lumen_head_series")
        #expect(series.evaluate(samples, previous: nil, seconds: 0) == [.init(labels: [:], value: 42)])
    }

    @Test func ratesComeFromTwoScrapesAndNeedBoth() throws {
        let now = ExpositionText.parse(Self.scrape)
        let before = ExpositionText.parse(Self.scrape.replacingOccurrences(of: "} 1200", with: "} 1000"))
        let rate = try SelfMetricsQuery.parse("sum(rate(lumen_ingest_accepted_total{signal=~\"spans|logs\"}[1m]))")
        #expect(rate.evaluate(now, previous: before, seconds: 4) == [.init(labels: [:], value: 50)])
        #expect(rate.evaluate(now, previous: nil, seconds: 0).isEmpty)
    }

    @Test func histogramQuantileInterpolatesWithinTheBucket() throws {
        let samples = ExpositionText.parse(Self.scrape)
        let p50 = try SelfMetricsQuery.parse("histogram_quantile(0.5, lumen_wal_fsync_duration_seconds_bucket)")
        #expect(p50.evaluate(samples, previous: nil, seconds: 0) == [.init(labels: [:], value: 0.001)])
        let p99 = try SelfMetricsQuery.parse("histogram_quantile(0.99, lumen_wal_fsync_duration_seconds_bucket)")
        #expect(p99.evaluate(samples, previous: nil, seconds: 0) == [.init(labels: [:], value: 0.01)])
        let p70 = try SelfMetricsQuery.parse("histogram_quantile(0.7, lumen_wal_fsync_duration_seconds_bucket)")
        #expect(abs(p70.evaluate(samples, previous: nil, seconds: 0)[0].value - 0.0055) < 1e-12)
    }

    @Test func badQueriesSayWhere() {
        #expect(throws: SelfMetricsQuery.Failure.self) { try SelfMetricsQuery.parse("sum by (a (x)") }
        #expect(throws: SelfMetricsQuery.Failure.self) { try SelfMetricsQuery.parse("x{a=\"1\"} extra") }
    }
}
