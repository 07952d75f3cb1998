import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// A small shop's correlated telemetry in a head, for log, trace and correlation queries:
///
/// - trace 1 at `base`: frontend GET /checkout (800ms) → checkout Checkout (670ms) → payment Charge (550ms,
///   error) and cart GetCart (15ms); frontend and checkout call out through client spans;
/// - trace 2 at `base + 10s`: frontend (100ms) → checkout (50ms) → cart (10ms), all direct server spans;
/// - trace 3 at `base + 20s`: frontend alone (50ms), reading a cache that sends no spans (a client span, 5ms).
///
/// cart logs JSON, payment logs logfmt; one line of each is not what its parser expects.
enum ShopTelemetry {
    static let second = Timestamp.nanosecondsPerSecond
    static let millisecond = second / 1000
    static let base: Int64 = 1_700_000_000 * second
    static let trace1 = TraceID(high: 0, low: 1)
    static let trace2 = TraceID(high: 0, low: 2)
    static let trace3 = TraceID(high: 0, low: 3)

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service))])
    }

    static func span(
        _ trace: TraceID, _ id: UInt64, parent: UInt64?, _ service: String, _ name: String, kind: SpanKind = .server,
        from start: Int64, to end: Int64, error: Bool = false, at offset: Int64
    ) -> Span {
        Span(
            traceID: trace, spanID: SpanID(id), parentSpanID: parent.map(SpanID.init), name: name, kind: kind,
            startTime: offset + start * millisecond, endTime: offset + end * millisecond,
            status: SpanStatus(code: error ? .error : .ok), attributes: [Attribute("http.status", .int(error ? 502 : 200))],
            resource: resource(service))
    }

    static var spans: [Span] {
        let t2 = base + 10 * second
        let t3 = base + 20 * second
        return [
            span(trace1, 1, parent: nil, "frontend", "GET /checkout", from: 0, to: 800, at: base),
            span(trace1, 2, parent: 1, "frontend", "POST checkout", kind: .client, from: 10, to: 700, at: base),
            span(trace1, 3, parent: 2, "checkout", "Checkout", from: 20, to: 690, at: base),
            span(trace1, 4, parent: 3, "checkout", "charge", kind: .client, from: 30, to: 600, at: base),
            span(trace1, 5, parent: 4, "payment", "Charge", from: 40, to: 590, error: true, at: base),
            span(trace1, 6, parent: 3, "cart", "GetCart", from: 35, to: 50, at: base),
            span(trace2, 11, parent: nil, "frontend", "GET /checkout", from: 0, to: 100, at: t2),
            span(trace2, 12, parent: 11, "checkout", "Checkout", from: 10, to: 60, at: t2),
            span(trace2, 13, parent: 12, "cart", "GetCart", from: 20, to: 30, at: t2),
            span(trace3, 21, parent: nil, "frontend", "GET /", from: 0, to: 50, at: t3),
            span(trace3, 22, parent: 21, "frontend", "GET cache", kind: .client, from: 5, to: 10, at: t3)
                .with(Attribute("db.system", .string("redis"))),
        ]
    }

    static func log(
        _ service: String, _ level: Severity.Level, _ body: String, at time: Int64, trace: TraceID? = nil,
        span: UInt64? = nil
    ) -> LogRecord {
        LogRecord(time: time, severity: Severity(level), body: .string(body), traceID: trace, spanID: span.map(SpanID.init),
            resource: resource(service))
    }

    static let cartTimeout =
        #"{"level":"error","msg":"cart timeout","status":504,"latency":"1.5s","req":{"id":"r1"}}"#
    static let cartOK = #"{"level":"info","msg":"ok","status":200,"latency":"20ms","req":{"id":"r2"}}"#
    static let paymentDeclined = #"level=error msg="card declined" status=502 duration=550ms size=2KB"#
    static let paymentOK = "level=info msg=ok status=200 duration=30ms size=100B service=billing"
    static let paymentBroken = #"oops "unterminated"#

    static var logs: [LogRecord] {
        [
            log("cart", .error, cartTimeout, at: base + 35 * millisecond, trace: trace1, span: 6),
            log("cart", .info, cartOK, at: base + 10 * second + 20 * millisecond, trace: trace2, span: 13),
            log("cart", .warn, "plain text line", at: base + 12 * second),
            log("payment", .error, paymentDeclined, at: base + 50 * millisecond, trace: trace1, span: 5),
            log("payment", .info, paymentOK, at: base + 10 * second + 50 * millisecond),
            log("payment", .warn, paymentBroken, at: base + 11 * second),
        ]
    }

    static func head() -> Head {
        let head = Head()
        head.append(Batch(spans: spans, logs: logs))
        return head
    }

    /// The minute from `base`, which holds everything.
    static let minute = QueryWindow(start: base, end: base + 60 * second, step: nil)
    /// An instant that sees everything in a `[1m]` range.
    static let afterAll = QueryWindow.instant(base + 30 * second)
}

extension QueryEngine {
    /// An instant query's values at `ShopTelemetry.afterAll`, by the value of one label ("" when missing).
    func values(_ query: String, by label: String) throws -> [String: Double] {
        let result = try execute(query, tenant: .anonymous, window: ShopTelemetry.afterAll)
        guard case .vector(let samples) = result else {
            Issue.record("not a vector: \(result)")
            return [:]
        }
        return Dictionary(samples.map { ($0.labels[label] ?? "", $0.sample.value) }, uniquingKeysWith: +)
    }
}

extension Span {
    func with(_ attribute: Attribute) -> Span {
        var span = self
        span.attributes.append(attribute)
        return span
    }
}
