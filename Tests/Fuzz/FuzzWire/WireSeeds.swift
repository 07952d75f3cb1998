import Foundation
import LumenModel
import LumenWire
import NIOCore

/// Real inputs for each case, from the formats' own examples and the LumenWire tests' fixtures; written into
/// Tests/Fuzz/Corpus/FuzzWire by `Scripts/fuzz.sh --seeds`.
enum WireSeeds {
    static let traceID = TraceID(hex: "5b8efff798038103d269b633813fc60c")!
    static let cart = Resource(attributes: [
        Attribute("service.name", .string("cart")), Attribute("host.name", .string("node-1")),
    ])
    static let attributes: [Attribute] = [
        Attribute("http.route", .string("/cart/{id}")), Attribute("http.status_code", .int(200)),
        Attribute("retry", .bool(false)), Attribute("ratio", .double(0.25)), Attribute("blob", .bytes([0, 1, 254])),
        Attribute("tags", .array([.string("a"), .int(-3)])), Attribute("nested", .map([Attribute("k", .string("v"))])),
    ]

    static let spans = [
        Span(
            traceID: traceID, spanID: SpanID(0x1111), name: "GET /cart", kind: .server,
            startTime: 1_700_000_000_000_000_000, endTime: 1_700_000_000_250_000_000,
            status: SpanStatus(code: .error, message: "timeout"), attributes: attributes,
            events: [SpanEvent(time: 1_700_000_000_100_000_000, name: "retry")],
            links: [SpanLink(traceID: traceID, spanID: SpanID(0x99), traceState: "k=v")], resource: cart,
            scope: InstrumentationScope(name: "http", version: "1.2.0")),
        Span(
            traceID: traceID, spanID: SpanID(0x2222), parentSpanID: SpanID(0x1111), name: "SELECT", kind: .client,
            startTime: 1_700_000_000_010_000_000, endTime: 1_700_000_000_020_000_000, resource: cart),
    ]

    static let logs = [
        LogRecord(
            time: 1_700_000_000_050_000_000, observedTime: 1_700_000_000_060_000_000,
            severity: Severity(number: 17, text: "ERROR"), body: .string("payment timed out"), attributes: attributes,
            traceID: traceID, spanID: SpanID(0x1111), resource: cart),
        LogRecord(time: 1_700_000_002_000_000_000, body: .map([Attribute("qty", .int(2))]), resource: cart),
    ]

    /// From MetricDecodingTests: a counter, a gauge, a histogram; the summary and exemplar added here.
    static let metricsJSON = #"""
        {"resourceMetrics": [{
          "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
          "scopeMetrics": [{
            "scope": {"name": "my.library", "version": "1.0.0"},
            "metrics": [
              {"name": "my.counter", "unit": "1", "description": "I am a Counter",
               "sum": {"aggregationTemporality": 2, "isMonotonic": true,
                       "dataPoints": [{"asDouble": 5, "startTimeUnixNano": "1544712660300000000",
                                       "timeUnixNano": "1544712660300000000",
                                       "exemplars": [{"asDouble": 1, "timeUnixNano": "1544712660300000000",
                                                      "traceId": "5b8efff798038103d269b633813fc60c",
                                                      "spanId": "0000000000001111"}],
                                       "attributes": [{"key": "my.counter.attr", "value": {"stringValue": "v"}}]}]}},
              {"name": "my.gauge", "unit": "1",
               "gauge": {"dataPoints": [{"asInt": "10", "timeUnixNano": 1544712660300000000}]}},
              {"name": "my.histogram", "unit": "ms",
               "histogram": {"aggregationTemporality": "AGGREGATION_TEMPORALITY_CUMULATIVE",
                             "dataPoints": [{"timeUnixNano": "1544712660300000000", "count": "2", "sum": 2,
                                             "bucketCounts": ["1", "1"], "explicitBounds": [1], "min": 0, "max": 2}]}},
              {"name": "rpc.latency", "unit": "s",
               "summary": {"dataPoints": [{"timeUnixNano": "1544712660300000000", "count": "3", "sum": 1.5,
                                           "quantileValues": [{"quantile": 0.5, "value": 0.4},
                                                              {"quantile": 0.99, "value": 0.9}]}]}}
            ]
          }]
        }]}
        """#

    static func otlp(_ signal: OTLPSignal, _ format: OTLPFormat) -> [[UInt8]] {
        let body: Data
        switch signal {
        case .traces: body = OTLPEncoder.body(OTLPEncoder.traces(spans), format: format)
        case .logs: body = OTLPEncoder.body(OTLPEncoder.logs(logs), format: format)
        case .metrics:
            guard format == .protobuf else { return [Array(metricsJSON.utf8)] }
            let request = try! OTLPMetricsRequest(jsonString: metricsJSON)
            body = OTLPEncoder.body(request, format: .protobuf)
        }
        return [Array(body)]
    }

    static var remoteWrite: [[UInt8]] {
        let request = Prometheus_WriteRequest.with {
            $0.timeseries = [
                .with {
                    $0.labels = [
                        .with { $0.name = "__name__"; $0.value = "http_requests_total" },
                        .with { $0.name = "job"; $0.value = "api" },
                    ]
                    $0.samples = [
                        .with { $0.value = 1; $0.timestamp = 1_700_000_000_000 },
                        .with { $0.value = 2.5; $0.timestamp = 1_700_000_015_000 },
                    ]
                    $0.exemplars = [
                        .with {
                            $0.labels = [.with { $0.name = "trace_id"; $0.value = "5b8efff798038103d269b633813fc60c" }]
                            $0.value = 0.3
                            $0.timestamp = 1_700_000_000_000
                        }
                    ]
                }
            ]
            $0.metadata = [
                .with { $0.type = .counter; $0.metricFamilyName = "http_requests_total"; $0.help = "Requests." }
            ]
        }
        return [try! request.serializedBytes()]
    }

    static let lokiJSON = [
        #"{"streams":[{"stream":{"service_name":"cart","env":"prod","level":"warn"},"#
            + #""values":[["1700000000123456789","payment slow"],["1700000001000000000","retrying",{"trace_id":"abc"}]]}]}"#,
    ].map { Array($0.utf8) }

    static var lokiProtobuf: [[UInt8]] {
        let request = Logproto_PushRequest.with {
            $0.streams = [
                .with {
                    $0.labels = #"{service_name="cart", env="prod"}"#
                    $0.entries = [
                        .with {
                            $0.timestamp = .init(seconds: 1_700_000_000, nanos: 123)
                            $0.line = "payment slow"
                            $0.structuredMetadata = [.with { $0.name = "trace_id"; $0.value = "abc" }]
                        }
                    ]
                }
            ]
        }
        return [try! request.serializedBytes()]
    }

    static let zipkin = [
        #"[{"traceId":"d269b633813fc60c","id":"0000000000002222","parentId":"0000000000001111","name":"get /cart","#
            + #""kind":"CLIENT","timestamp":1700000000000123,"duration":2500,"shared":true,"#
            + #""localEndpoint":{"serviceName":"frontend","ipv4":"10.0.0.1","port":8080},"#
            + #""remoteEndpoint":{"serviceName":"cart","ipv6":"::1","port":9000},"#
            + #""annotations":[{"timestamp":1700000000001000,"value":"retry"}],"#
            + #""tags":{"http.method":"GET","error":"connection reset","http.status_code":503}}]"#,
    ].map { Array($0.utf8) }

    static let statsD = [
        "api.requests:1|c|@0.5|#code:200\napi.requests:3|c|#code:200",
        "queue.depth:10|g\nqueue.depth:+5|g\nqueue.depth:-3|g",
        "db.query:1000|ms|@0.5\nresponse.size:512|h|#route:/a",
        "users.unique:alice|s\nhits:1|c|#service:override,http.route:/a",
    ].map { Array($0.utf8) }

    static let syslogMessages = [
        #"<13>1 2026-11-21T10:00:00.123456+00:00 host user - - [timeQuality tzKnown="1" isSynced="0"] hello"#,
        "<165>1 2026-11-21T11:00:00.5+01:00 mymachine.example.com evntslog 1234 ID47 "
            + #"[exampleSDID@32473 iut="3" eventSource="App\"li\]c\\ation"][examplePriority@32473 class="high"] "#
            + "\u{FEFF}An application event\n",
        "<30>Nov  1 09:05:03 web01 postfix/smtpd[4721]: connect from unknown",
        "<13>2026-11-21T10:00:00.123456Z host app[9]: hi",
    ].map { Array($0.utf8) }

    /// The first byte is where the case splits the stream into two reads.
    static let syslogStreams = [
        "\u{10}20 <13>1 - - - - - - hello<13>Nov 21 10:00:00 host user: one\r\n\n<13>Nov 21 10:00:00 host user: two",
    ].map { Array($0.utf8) }

    static let texts = [
        Array(logs.map { "\($0)" }.joined(separator: "\n").utf8),
        Array(repeating: UInt8(ascii: "a"), count: 1000),
    ]

    /// Each text compressed; for gzip also two members back to back (RFC 1952), as `cat a.gz b.gz` makes.
    static func compressed(_ encoding: String) -> [[UInt8]] {
        let single = texts.map { text in
            Array(try! ContentEncoding.encode(ByteBuffer(bytes: text), encoding: encoding).readableBytesView)
        }
        return encoding == "gzip" ? single + [single.joined().map { $0 }] : single
    }
}
