import LumenModel

/// Deterministic batches that touch every field and every `AttributeValue` case of the model.
/// No NaN inside an attribute: `AttributeValue` compares doubles with `==`, so such a batch never equals itself.
enum BatchRecordFixtures {
    static let cart = Resource(attributes: [
        Attribute("service.name", .string("cart")), Attribute("host.name", .string("node-7")),
        Attribute("service.instance.id", .string("cart-0")),
    ])
    static let checkout = Resource(attributes: [Attribute("service.name", .string("checkout"))])
    static let httpScope = InstrumentationScope(name: "io.opentelemetry.http", version: "1.2.3")

    static let everyValue: [Attribute] = [
        Attribute("s", .string("héllo \u{1F600}")),
        Attribute("empty", .string("")),
        Attribute("t", .bool(true)),
        Attribute("f", .bool(false)),
        Attribute("i", .int(-42)),
        Attribute("min", .int(.min)),
        Attribute("max", .int(.max)),
        Attribute("d", .double(3.25)),
        Attribute("negzero", .double(-0.0)),
        Attribute("b", .bytes([0, 1, 0xfe, 0xff])),
        Attribute("a", .array([.int(1), .string("two"), .array([.bool(false), .array([])]), .map([])])),
        Attribute("m", .map([Attribute("k", .map([Attribute("deep", .array([.double(.infinity)]))]))])),
    ]

    static let traceID = TraceID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
    static let base: Int64 = 1_700_000_000_123_456_789

    static var rich: Batch {
        let root = Span(
            traceID: traceID, spanID: SpanID(0x1111_2222_3333_4444), name: "GET /cart", kind: .server,
            startTime: base, endTime: base + 250_000_000, status: SpanStatus(code: .error, message: "boom"),
            attributes: everyValue,
            events: [
                SpanEvent(time: base + 1_000, name: "exception", attributes: [Attribute("exception.type", .string("E"))]),
                SpanEvent(time: base - 5, name: "before start"),
            ],
            links: [SpanLink(traceID: TraceID(high: 9, low: 10), spanID: SpanID(11), traceState: "vendor=x",
                attributes: [Attribute("link", .bool(true))])],
            resource: cart, scope: httpScope)
        let child = Span(
            traceID: traceID, spanID: SpanID(0x5555), parentSpanID: root.spanID, name: "SELECT", kind: .client,
            startTime: base + 10, endTime: base + 5, resource: cart, scope: httpScope)
        let other = Span(
            traceID: .zero, spanID: .zero, name: "", kind: .unspecified, startTime: .min, endTime: .max,
            status: SpanStatus(code: .ok), resource: checkout)
        let logs = [
            LogRecord(time: base, observedTime: base + 3_000, severity: Severity(.warn), body: .string("slow query"),
                attributes: [Attribute("db", .string("pg"))], traceID: traceID, spanID: child.spanID,
                resource: cart, scope: httpScope),
            LogRecord(time: 0, severity: Severity(number: 24, text: "FATAL"),
                body: .map([Attribute("msg", .string("structured")), Attribute("n", .int(7))]), resource: checkout),
            LogRecord(time: base, observedTime: base - 1, body: .bytes([1, 2, 3]), spanID: SpanID(3), resource: cart),
        ]
        let series = [
            TimeSeries(labels: Labels(["__name__": "http_requests_total", "service": "cart", "code": "200"]),
                samples: [Sample(timestamp: base, value: 1), Sample(timestamp: base + 15_000_000_000, value: 2.5),
                    Sample(timestamp: base + 10, value: -.infinity)]),
            TimeSeries(labels: Labels(["__name__": "up"]), samples: [
                Sample(timestamp: base, value: Double(bitPattern: Sample.staleMarkerBits)),
                Sample(timestamp: .min, value: .nan), Sample(timestamp: .max, value: .greatestFiniteMagnitude),
            ]),
            TimeSeries(labels: Labels(["__name__": "empty"]), samples: []),
            TimeSeries(labels: Labels(["__name__": "latency_seconds_bucket", "le": "0.5"]),
                samples: [Sample(timestamp: base, value: 3)],
                exemplars: [
                    Exemplar(labels: Labels(["trace_id": traceID.hex, "span_id": child.spanID.hex]),
                        timestamp: base - 1, value: 0.42),
                    Exemplar(labels: Labels([]), timestamp: base, value: .nan),
                ]),
        ]
        return Batch(tenant: Tenant("team-a")!, spans: [root, child, other], logs: logs, series: series)
    }
}
