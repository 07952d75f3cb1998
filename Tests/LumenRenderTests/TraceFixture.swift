import LumenModel

/// A small checkout trace across three services with everything the waterfall must show: nesting, an error,
/// a span whose parent never arrived, logs under spans and a log without a span.
enum TraceFixture {
    static let traceID = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!
    static let start: Int64 = 1_700_000_000_000_000_000
    static let ms: Int64 = 1_000_000

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service))])
    }

    static func span(
        _ id: UInt64, parent: UInt64?, _ service: String, _ name: String, from: Int64, to: Int64,
        status: SpanStatus.Code = .unset
    ) -> Span {
        Span(
            traceID: traceID, spanID: SpanID(id), parentSpanID: parent.map(SpanID.init), name: name,
            kind: .server, startTime: start + from, endTime: start + to, status: SpanStatus(code: status),
            resource: resource(service))
    }

    static let spans: [Span] = [
        // Deliberately out of order: the waterfall sorts children by start time.
        span(0x3, parent: 0x2, "payment", "Charge", from: 10 * ms, to: 100 * ms, status: .error),
        span(0x1, parent: nil, "frontend", "GET /checkout", from: 0, to: 120 * ms, status: .error),
        span(0x2, parent: 0x1, "checkout", "PlaceOrder", from: 2 * ms, to: 110 * ms, status: .error),
        span(0x4, parent: 0x2, "checkout", "reserve stock", from: 4 * ms, to: 8 * ms),
        span(0x5, parent: 0x3, "payment", "SELECT accounts", from: 12 * ms, to: 30 * ms, status: .ok),
        span(0x6, parent: 0x1a2b_3c4d_5e6f_7a8b, "payment", "refund-worker", from: 105 * ms, to: 118 * ms),
    ]

    static func log(_ spanID: UInt64?, _ service: String, at: Int64, _ level: Severity.Level, _ body: String)
        -> LogRecord
    {
        LogRecord(
            time: start + at, severity: Severity(level), body: .string(body), traceID: traceID,
            spanID: spanID.map(SpanID.init), resource: resource(service))
    }

    static let logs: [LogRecord] = [
        log(0x3, "payment", at: 99 * ms, .error, "payment declined for order 8812: card_expired"),
        log(0x1, "frontend", at: 500_000, .info, "checkout started for cart 42"),
        log(nil, "frontend", at: 119 * ms, .warn, "client closed connection before response"),
        log(0x5, "payment", at: 29 * ms, .info, "account found"),
    ]
}
