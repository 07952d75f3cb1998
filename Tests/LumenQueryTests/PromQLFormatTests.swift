import LumenQuery
import Testing

/// `Expr.prettyPromQL` against Prometheus 2.42's own `/api/v1/format_query` answers for the same expressions
/// (recorded from a running `prometheus`; the interop test `test_prometheus_api.py` compares them live).
struct PromQLFormatTests {
    static let prometheusAnswers: [(query: String, formatted: String)] = [
        (#"up"#, #"up"#),
        (#"up{job="a"}"#, #"up{job="a"}"#),
        (#"{job=~"a.*",env!="prod"}"#, #"{env!="prod",job=~"a.*"}"#),
        (#"rate(http_requests_total{job="api",code!~"5.."}[5m])"#, #"rate(http_requests_total{code!~"5..",job="api"}[5m])"#),
        (#"sum by(job)(rate(x[5m]))"#, #"sum by (job) (rate(x[5m]))"#),
        (#"sum without(instance)(x)"#, #"sum without (instance) (x)"#),
        (#"sum(x) by (job)"#, #"sum by (job) (x)"#),
        (#"topk(5, x)"#, #"topk(5, x)"#),
        (#"count_values("version", build_info)"#, #"count_values("version", build_info)"#),
        (#"quantile(0.9, x)"#, #"quantile(0.9, x)"#),
        (#"a + on(job) group_left(team) b"#, #"a + on (job) group_left (team) b"#),
        (#"a / ignoring(instance) b"#, #"a / ignoring (instance) b"#),
        (#"a > bool 1"#, #"a > bool 1"#),
        (#"a and b or c unless d"#, #"a and b or c unless d"#),
        (#"-x"#, #"-x"#),
        (#"-1"#, #"-1"#),
        (#"+x"#, #"+x"#),
        (#"1e6"#, #"1e+06"#),
        (#"123456"#, #"123456"#),
        (#"0.0001"#, #"0.0001"#),
        (#"0.00001"#, #"1e-05"#),
        (#"1.5"#, #"1.5"#),
        (#"2^3^2"#, #"2 ^ 3 ^ 2"#),
        (#"x offset 5m"#, #"x offset 5m"#),
        (#"x offset -1h30m"#, #"x offset -1h30m"#),
        (#"x[5m] offset 1w"#, #"x[5m] offset 1w"#),
        (#"x @ 1700000000"#, #"x @ 1700000000.000"#),
        (#"x @ 1700000000.5 offset 1m"#, #"x @ 1700000000.500 offset 1m"#),
        (#"x[90s] @ start()"#, #"x[1m30s] @ start()"#),
        (#"rate(x[5m])[30m:1m]"#, #"rate(x[5m])[30m:1m]"#),
        (#"max_over_time(rate(x[5m])[1h:])"#, #"max_over_time(rate(x[5m])[1h:])"#),
        (#"label_replace(up, "a", "$1", "b", "(.*)")"#, #"label_replace(up, "a", "$1", "b", "(.*)")"#),
        (#""hello\nworld""#, #""hello\nworld""#),
        (#"time()"#, #"time()"#),
        (#"vector(1) + vector(1)"#, #"vector(1) + vector(1)"#),
        (#"x[1d]"#, #"x[1d]"#),
        (#"x[8d]"#, #"x[8d]"#),
        (#"x[365d]"#, #"x[1y]"#),
        (#"histogram_quantile(0.99, sum by (le, service) (rate(http_server_request_duration_seconds_bucket{service="checkout", route=~"/api/.*"}[5m])))"#, #"histogram_quantile(\#n  0.99,\#n  sum by (le, service) (\#n    rate(http_server_request_duration_seconds_bucket{route=~"/api/.*",service="checkout"}[5m])\#n  )\#n)"#),
        (#"sum by (service) (rate(http_server_requests_total{status_code=~"5..", service="payment"}[5m])) / sum by (service) (rate(http_server_requests_total{service="payment"}[5m]))"#, #"  sum by (service) (rate(http_server_requests_total{service="payment",status_code=~"5.."}[5m]))\#n/\#n  sum by (service) (rate(http_server_requests_total{service="payment"}[5m]))"#),
        (#"-sum by (service) (rate(http_server_requests_total{status_code=~"5..", service="payment", route="/a/very/long/route"}[5m]))"#, #"-sum by (service) (\#n  rate(\#n    http_server_requests_total{route="/a/very/long/route",service="payment",status_code=~"5.."}[5m]\#n  )\#n)"#),
        (#"(sum by (service) (rate(http_server_requests_total{status_code=~"5..", service="payment", route="/a/very/long"}[5m])))"#, #"(\#n  sum by (service) (\#n    rate(http_server_requests_total{route="/a/very/long",service="payment",status_code=~"5.."}[5m])\#n  )\#n)"#),
    ]

    @Test(arguments: prometheusAnswers)
    func anExpressionIsFormattedAsPrometheusFormatsIt(_ query: String, _ formatted: String) throws {
        #expect(try Parser.parsePromQL(query).prettyPromQL() == formatted)
    }

    @Test func theMetricNameMatcherIsWrittenAsTheName() throws {
        // Prometheus keeps `{__name__="up"}` as written; Lumen's tree does not tell the forms apart and writes
        // the shorter one, which selects the same series.
        #expect(try Parser.parsePromQL(#"{__name__="up",job="a"}"#).prettyPromQL() == #"up{job="a"}"#)
    }

    @Test func valuesAreWrittenAsGoWritesThem() {
        #expect(PromQLText.duration(0) == "0s")
        #expect(PromQLText.duration(14 * 86_400_000_000_000) == "2w")
        #expect(PromQLText.duration(1_500_000) == "1ms")
    }
}
