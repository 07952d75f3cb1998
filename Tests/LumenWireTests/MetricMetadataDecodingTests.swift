import LumenModel
import LumenWire
import Testing

/// Every protocol that describes its metrics hands the description on in the batch's `metadata`.
struct MetricMetadataDecodingTests {
    @Test func otlpMetricsCarryTheirTypeUnitAndDescriptionUnderTheirSeriesName() throws {
        let counter = OTelMetricMessage.with {
            $0.name = "http.server.requests"
            $0.unit = "{request}"
            $0.description_p = "Requests served"
            $0.sum = .with {
                $0.isMonotonic = true
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [MetricDecodingTests.point(7)]
            }
        }
        let duration = OTelMetricMessage.with {
            $0.name = "http.server.duration"
            $0.unit = "s"
            $0.description_p = "Time to answer"
            $0.histogram = .with {
                $0.aggregationTemporality = .cumulative
                $0.dataPoints = [.with {
                    $0.timeUnixNano = MetricDecodingTests.time
                    $0.count = 1
                    $0.explicitBounds = [0.1]
                    $0.bucketCounts = [1, 0]
                }]
            }
        }
        let delta = OTelMetricMessage.with {
            $0.name = "refused"
            $0.sum = .with {
                $0.aggregationTemporality = .delta
                $0.dataPoints = [MetricDecodingTests.point(1)]
            }
        }
        let result = try MetricDecodingTests.decode([counter, duration, delta])
        #expect(result.batch.metadata == [
            MetricMetadata(metric: "http_server_requests_total", type: .counter, help: "Requests served"),
            MetricMetadata(
                metric: "http_server_duration_seconds", type: .histogram, unit: "seconds", help: "Time to answer"),
        ])
    }

    @Test func remoteWriteMetadataIsDecodedEvenWithoutSeries() throws {
        let request = Prometheus_WriteRequest.with {
            $0.metadata = [
                .with {
                    $0.type = .counter
                    $0.metricFamilyName = "node_cpu_seconds_total"
                    $0.help = "Seconds the CPUs spent in each mode."
                    $0.unit = "seconds"
                },
                .with {
                    $0.type = .gauge
                    $0.help = "no family name: dropped"
                },
            ]
        }
        let result = try RemoteWriteDecoder().decode(
            Snappy.compress(try request.serializedBytes()), tenant: Fixtures.tenant, limit: 1 << 20)
        #expect(result.batch.series.isEmpty)
        #expect(result.batch.metadata == [
            MetricMetadata(
                metric: "node_cpu_seconds_total", type: .counter, unit: "seconds",
                help: "Seconds the CPUs spent in each mode."),
        ])
    }

    @Test func statsdFlushesDescribeEachFamilyByItsType() {
        var statsd = StatsDAggregator(tenant: Fixtures.tenant, resource: Fixtures.checkout)
        let parsed = StatsDParser.parse(Array("jobs.done:1|c\nqueue.depth:4|g\napi.latency:12|ms\nusers:u1|s".utf8))
        for metric in parsed.metrics { statsd.add(metric) }
        #expect(statsd.flush(at: 1_700_000_000_000_000_000).metadata == [
            MetricMetadata(
                metric: "api_latency_seconds", type: .summary, unit: "seconds",
                help: "api.latency: StatsD timer (milliseconds, reported in seconds)"),
            MetricMetadata(metric: "jobs_done_total", type: .counter, help: "jobs.done: StatsD counter"),
            MetricMetadata(metric: "queue_depth", type: .gauge, help: "queue.depth: StatsD gauge"),
            MetricMetadata(metric: "users", type: .gauge, help: "users: StatsD set (distinct members per flush interval)"),
        ])
    }
}
