import Foundation
import LumenModel

/// Reads trace and span IDs, with the messages a sender needs to fix them.
enum IDValidation {
    enum Failure: Error {
        case invalid(String)
        var message: String {
            switch self { case .invalid(let message): message }
        }
    }

    /// A required trace ID: exactly 16 bytes, not all zero.
    static func traceID(_ data: Data, field: String = "trace_id") throws(Failure) -> TraceID {
        guard let id = TraceID(bytes: data) else { throw .invalid("\(field) must be 16 bytes, got \(data.count)") }
        guard id.isValid else { throw .invalid("\(field) must not be all zeros") }
        return id
    }

    /// A required span ID: exactly 8 bytes, not all zero.
    static func spanID(_ data: Data, field: String = "span_id") throws(Failure) -> SpanID {
        guard let id = SpanID(bytes: data) else { throw .invalid("\(field) must be 8 bytes, got \(data.count)") }
        guard id.isValid else { throw .invalid("\(field) must not be all zeros") }
        return id
    }

    /// An optional trace ID: empty or all zero means none; any other length than 16 is an error.
    static func optionalTraceID(_ data: Data, field: String = "trace_id") throws(Failure) -> TraceID? {
        if data.isEmpty { return nil }
        guard let id = TraceID(bytes: data) else {
            throw .invalid("\(field) must be 16 bytes or empty, got \(data.count)")
        }
        return id.isValid ? id : nil
    }

    /// An optional span ID: empty or all zero means none; any other length than 8 is an error.
    static func optionalSpanID(_ data: Data, field: String = "span_id") throws(Failure) -> SpanID? {
        if data.isEmpty { return nil }
        guard let id = SpanID(bytes: data) else {
            throw .invalid("\(field) must be 8 bytes or empty, got \(data.count)")
        }
        return id.isValid ? id : nil
    }
}
