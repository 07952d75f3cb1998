import LumenModel
@testable import LumenWire
import Testing

struct PrometheusNamingTests {
    @Test func unitsBecomeSuffixesAndAnnotationsAreDropped() {
        #expect(PrometheusNaming.metricName("http.server.duration", unit: "s", kind: .histogram)
            == "http_server_duration_seconds")
        #expect(PrometheusNaming.metricName("db.latency", unit: "ms", kind: .gauge) == "db_latency_milliseconds")
        #expect(PrometheusNaming.metricName("net.io", unit: "By", kind: .counter) == "net_io_bytes_total")
        #expect(PrometheusNaming.metricName("http.requests", unit: "{request}", kind: .counter) == "http_requests_total")
        #expect(PrometheusNaming.metricName("cpu.utilization", unit: "1", kind: .gauge) == "cpu_utilization_ratio")
        #expect(PrometheusNaming.metricName("events", unit: "1", kind: .counter) == "events_total")
        #expect(PrometheusNaming.metricName("throughput", unit: "By/s", kind: .gauge) == "throughput_bytes_per_second")
    }

    @Test func suffixesAreNotRepeated() {
        #expect(PrometheusNaming.metricName("requests_total", unit: "", kind: .counter) == "requests_total")
        #expect(PrometheusNaming.metricName("wait_seconds", unit: "s", kind: .counter) == "wait_seconds_total")
        #expect(PrometheusNaming.metricName("wait_seconds_total", unit: "s", kind: .counter) == "wait_seconds_total")
    }

    @Test func invalidCharactersBecomeUnderscores() {
        #expect(PrometheusNaming.metricName("my-app.queue size", unit: "", kind: .gauge) == "my_app_queue_size")
        #expect(PrometheusNaming.metricName("2xx.count", unit: "", kind: .gauge) == "_2xx_count")
        #expect(PrometheusNaming.metricName("job:rate", unit: "", kind: .gauge) == "job:rate")
    }

    @Test func boundsAreFormattedLikePrometheus() {
        #expect(PrometheusNumber.format(0.005) == "0.005")
        #expect(PrometheusNumber.format(1) == "1")
        #expect(PrometheusNumber.format(2.5) == "2.5")
        #expect(PrometheusNumber.format(.infinity) == "+Inf")
        #expect(PrometheusNumber.format(-.infinity) == "-Inf")
    }
}
