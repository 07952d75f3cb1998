import LumenModel

/// Trace and span IDs written as hex text by non-OTLP senders (Zipkin, Loki metadata), which may drop leading
/// zeros or send 64-bit trace IDs: up to 32 (trace) or 16 (span) hex digits, left-padded with zeros, as
/// Zipkin itself normalises them. All-zero IDs are invalid.
enum HexID {
    static func traceID(_ text: String) -> TraceID? {
        guard let bytes = padded(text, digits: 32), let id = TraceID(bytes: bytes), id.isValid else { return nil }
        return id
    }

    static func spanID(_ text: String) -> SpanID? {
        guard let bytes = padded(text, digits: 16), let id = SpanID(bytes: bytes), id.isValid else { return nil }
        return id
    }

    private static func padded(_ text: String, digits: Int) -> [UInt8]? {
        let count = text.utf8.count
        guard count > 0, count <= digits else { return nil }
        return HexCoding.decode(String(repeating: "0", count: digits - count) + text)
    }
}
