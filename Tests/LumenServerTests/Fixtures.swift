import Foundation
import LumenModel
import LumenWire

/// Small, fixed telemetry for the server tests: one trace across three services, logs in it, a counter.
enum Fixtures {
    static let traceID = TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!
    /// A minute ago, on a whole second so that query times in float seconds hit it exactly.
    static let start: Int64 = (Timestamp.now() / Timestamp.nanosecondsPerSecond - 60) * Timestamp.nanosecondsPerSecond

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service)), Attribute("host.name", .string("node-1"))])
    }

    static let spans: [Span] = [
        Span(
            traceID: traceID, spanID: SpanID(1), name: "GET /checkout", kind: .server, startTime: start,
            endTime: start + 900_000_000, status: SpanStatus(code: .error, message: "payment failed"),
            attributes: [Attribute("http.route", .string("/checkout"))], resource: resource("frontend")),
        Span(
            traceID: traceID, spanID: SpanID(2), parentSpanID: SpanID(1), name: "Checkout", kind: .server,
            startTime: start + 10_000_000, endTime: start + 850_000_000, resource: resource("checkout")),
        Span(
            traceID: traceID, spanID: SpanID(3), parentSpanID: SpanID(2), name: "Charge", kind: .server,
            startTime: start + 20_000_000, endTime: start + 800_000_000,
            status: SpanStatus(code: .error, message: "card declined"), resource: resource("payment")),
    ]

    static let logs: [LogRecord] = [
        LogRecord(
            time: start + 30_000_000, severity: Severity(.info), body: .string("charging card for order 7"),
            traceID: traceID, spanID: SpanID(3), resource: resource("payment")),
        LogRecord(
            time: start + 790_000_000, severity: Severity(.error), body: .string("payment declined: card_expired"),
            traceID: traceID, spanID: SpanID(3), resource: resource("payment")),
        LogRecord(
            time: start + 40_000_000, severity: Severity(.warn), body: .string("cart service slow, retrying"),
            traceID: traceID, spanID: SpanID(2), resource: resource("checkout")),
    ]

    static func tracesBody(_ format: OTLPFormat = .protobuf, spans: [Span] = Fixtures.spans) -> Data {
        OTLPEncoder.body(OTLPEncoder.traces(spans), format: format)
    }

    static func logsBody(_ format: OTLPFormat = .protobuf) -> Data {
        OTLPEncoder.body(OTLPEncoder.logs(logs), format: format)
    }

    /// A cumulative monotonic counter `http.server.requests` with two points for one series.
    static func metricsJSON(value: Double = 42, at time: Int64 = Fixtures.start) -> Data {
        Data("""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
             "scopeMetrics":[{"metrics":[{"name":"http.server.requests","unit":"{request}",
               "sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
                 {"attributes":[{"key":"http.route","value":{"stringValue":"/cart"}}],
                  "startTimeUnixNano":"\(time - 1_000_000_000)","timeUnixNano":"\(time)","asDouble":\(value)}]}}]}]}]}
            """.utf8)
    }
}
