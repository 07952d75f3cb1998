/// Real queries: from docs/query-language.md, Tests/PromQL/*.test and the LumenQuery tests; written into
/// Tests/Fuzz/Corpus/FuzzQuery by `Scripts/fuzz.sh --seeds`.
enum QuerySeeds {
    static let native = utf8([
        #"sum by (service) (rate(http_server_requests_total{http_response_status_code=~"5.."}[5m])) / sum by (service) (rate(http_server_requests_total[5m]))"#,
        #"{service="checkout", severity>="warn"} |= "timeout" | json | duration > 2s"#,
        #"count_over_time({service="cart"} |= "error" [1m])"#,
        #"{service="cart" && duration > 500ms && status=error}"#,
        #"{resource.host.name="node-1" && kind=server && name=~"GET .*"} >> {status=error}"#,
    ])

    static let logQL = utf8([
        #"{host="node-1"} != "healthcheck" |~ "status=5\\d\\d""#,
        #"sum by (service) (rate({severity="error"}[5m]))"#,
        #"{service="shop"} | logfmt | line_format "{{.msg}} {{.status}}" | label_format level=severity"#,
        #"{service="shop"} | regexp "(?P<method>\\w+) (?P<path>\\S+)" | method="GET" | unwrap bytes(size) [1m]"#,
        #"quantile_over_time(0.99, {service="shop"} | json | unwrap duration(latency) [5m]) by (route)"#,
        #"{app="checkout"} | pattern "<ip> - <_> [<ts>] \"<method> <uri>\"" | drop ts | keep method, uri"#,
        #"topk(3, sum by (service) (bytes_rate({host="node-1"}[1m])))"#,
    ])

    static let promQL = utf8([
        #"histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))"#,
        #"http_requests_total{job=~"a.", instance!~"b"} or http_requests_total{job=~"a..", instance!~"b"}"#,
        #"requests * on(instance) group_left(version) info"#,
        #"label_replace(gauge, "team", "t-$1", "job", "(.*)")"#,
        #"sum_over_time(counter[3m:1m] offset 2m)"#,
        #"http_requests_total{instance="a", job="api"} @ 120"#,
        #"count_values by (instance) ("v", version)"#,
        #"-(1 + 2) ^ 3 % 4 > bool 0 unless absent(up) and on() vector(1)"#,
        #"max_over_time(deriv(rate(x[1m])[5m:30s])[1h:]) @ end() offset -5m"#,
    ])

    static let traceQL = utf8([
        #"{ .http.method = "GET" }"#,
        #"{ span:name = "a" && trace:rootService = "b" }"#,
        #"{ resource.service.name = "cart" } >> { status = error } | count() > 2"#,
        #"{ span.x != nil && .y = nil } && { duration > 1s } | select(span.http.route)"#,
        #"{ kind = server } | avg(duration) > 200ms | by(resource.service.name)"#,
    ])

    static let regexes = utf8([
        "(a+)+$\u{0}aaaaaaaaaaaaaaaaaaaaaa!",
        "(?i)GET /cart/(\\d+)\u{0}get /cart/42",
        "^(?P<ip>[0-9.]+) - (\\S+) \\[([^]]+)\\]\u{0}10.0.0.1 - - [21/Nov/2026]",
        "[[:alpha:]]{2,5}|\\p{Greek}+|x*?y\u{0}αβγ xxy",
    ])

    static func utf8(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }
}
