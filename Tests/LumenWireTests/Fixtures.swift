import Foundation
import LumenModel
import LumenWire
import NIOCore

/// Shared inputs and helpers of the LumenWire tests.
enum Fixtures {
    static let receivedAt: Int64 = 1_700_000_999_000_000_000
    static let tenant = Tenant("acme")!

    static let cart = Resource(attributes: [
        Attribute("service.name", .string("cart")), Attribute("host.name", .string("node-1")),
    ])
    static let checkout = Resource(attributes: [Attribute("service.name", .string("checkout"))])
    static let http = InstrumentationScope(name: "io.opentelemetry.http", version: "1.2.0")

    static let traceID = TraceID(hex: "5b8efff798038103d269b633813fc60c")!
    static let otherTraceID = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!

    /// Every kind of attribute value, nested ones included.
    static let attributes: [Attribute] = [
        Attribute("http.route", .string("/cart/{id}")), Attribute("http.status_code", .int(200)),
        Attribute("retry", .bool(false)), Attribute("ratio", .double(0.25)),
        Attribute("blob", .bytes([0, 1, 254, 255])),
        Attribute("tags", .array([.string("a"), .int(-3)])),
        Attribute("nested", .map([Attribute("k", .string("v")), Attribute("n", .double(1.5))])),
    ]

    /// Spans already grouped by resource and scope, so that a round trip keeps their order.
    static let spans: [Span] = [
        Span(
            traceID: traceID, spanID: SpanID(0x1111), name: "GET /cart", kind: .server,
            startTime: 1_700_000_000_000_000_000, endTime: 1_700_000_000_250_000_000,
            status: SpanStatus(code: .error, message: "timeout"), attributes: attributes,
            events: [SpanEvent(time: 1_700_000_000_100_000_000, name: "retry", attributes: [Attribute("n", .int(1))])],
            links: [SpanLink(traceID: otherTraceID, spanID: SpanID(0x99), traceState: "k=v", attributes: attributes)],
            resource: cart, scope: http),
        Span(
            traceID: traceID, spanID: SpanID(0x2222), parentSpanID: SpanID(0x1111), name: "SELECT", kind: .client,
            startTime: 1_700_000_000_010_000_000, endTime: 1_700_000_000_020_000_000, resource: cart, scope: http),
        Span(
            traceID: traceID, spanID: SpanID(0x3333), parentSpanID: SpanID(0x1111), name: "render",
            startTime: 1_700_000_000_020_000_000, endTime: 1_700_000_000_030_000_000, resource: cart),
        Span(
            traceID: otherTraceID, spanID: SpanID(0x4444), name: "POST /checkout", kind: .server,
            startTime: 1_700_000_001_000_000_000, endTime: 1_700_000_001_500_000_000,
            status: SpanStatus(code: .ok), resource: checkout, scope: http),
    ]

    static let logs: [LogRecord] = [
        LogRecord(
            time: 1_700_000_000_050_000_000, observedTime: 1_700_000_000_060_000_000,
            severity: Severity(number: 17, text: "ERROR"), body: .string("payment timed out"),
            attributes: attributes, traceID: traceID, spanID: SpanID(0x1111), resource: cart, scope: http),
        LogRecord(
            time: 1_700_000_000_070_000_000, severity: Severity(number: 9, text: "INFO"),
            body: .map([Attribute("event", .string("added")), Attribute("qty", .int(2))]), resource: cart,
            scope: http),
        LogRecord(time: 1_700_000_002_000_000_000, body: .string("started"), resource: checkout),
    ]

    static func buffer(_ data: Data) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        return buffer
    }

    static func buffer(_ text: String) -> ByteBuffer { buffer(Data(text.utf8)) }

    static func decode(_ signal: OTLPSignal, _ body: Data, _ format: OTLPFormat) throws(WireError) -> DecodeResult {
        try OTLPDecoder.decode(signal, body: buffer(body), format: format, tenant: tenant, receivedAt: receivedAt)
    }

    static func decode(_ signal: OTLPSignal, json: String) throws(WireError) -> DecodeResult {
        try decode(signal, Data(json.utf8), .json)
    }

    /// The error `body` throws, or nil if it decodes.
    static func error(_ signal: OTLPSignal, _ body: Data, _ format: OTLPFormat) -> WireError? {
        do {
            _ = try decode(signal, body, format)
            return nil
        } catch {
            return error
        }
    }
}
