import Foundation
import Hummingbird
import LumenModel
import LumenWire

/// A trace by ID, as Grafana reads it: `Accept: application/protobuf` gets Tempo's protobuf
/// (`TraceByIDResponse` from v2, `Trace` from v1, both wire-compatible with OTLP's `TracesData`), anything else
/// JSON (`{"trace":{"resourceSpans":…}}` from v2; v1 keeps Lumen's OTLP JSON, `{"resourceSpans":…}`).
/// `start`/`end` are checked and, as the whole trace is found by its ID, not needed. Missing → 404, on which
/// Grafana tries v1.
extension TempoRoutes {
    func trace(_ request: Request, id: String, version: Version) async throws(APIError) -> Response {
        guard let traceID = TempoTraceID.parse(id) else {
            let typed = id.removingPercentEncoding ?? id
            throw APIError(.badRequest, "invalid trace ID \"\(typed.prefix(64))\": expected up to 32 hexadecimal digits")
        }
        _ = try TempoParameters.window(FormParameters(request.uri.query))
        let protobuf = (request.headers[.accept] ?? "").contains("application/protobuf")
        // Encoded on the query thread, as every query route's answer (`PrometheusRoutes` says why).
        return try await queries.run(request, tenants: tenants) { [engine] tenant, _ in
            let spans = engine.store.trace(tenant, id: traceID).spans
            guard !spans.isEmpty else { throw APIError(.notFound, "trace not found: \(traceID.hex)") }
            return try Self.traceResponse(spans, version: version, protobuf: protobuf)
        }
    }

    /// The trace as OTLP protobuf (what Grafana asks for first) or OTLP JSON; v2 wraps it in `TraceByIDResponse`.
    static func traceResponse(_ spans: [Span], version: Version, protobuf: Bool) throws(APIError) -> Response {
        if protobuf {
            let trace: Data
            do {
                trace = try OTLPEncoder.traces(spans).serializedData()
            } catch {
                throw APIError(.internalServerError, "cannot encode the trace as protobuf: \(error)")
            }
            // `TraceByIDResponse` holds the `Trace` as its field 1.
            let body = version == .v2 ? ProtobufField.lengthDelimited(1, trace) : trace
            return Response(
                status: .ok, headers: [.contentType: "application/protobuf"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        var json: Data
        do {
            json = try OTLPTraceJSON.encode(spans)
        } catch {
            throw APIError(.internalServerError, "cannot encode the trace as OTLP JSON: \(error)")
        }
        if version == .v2 { json = Data("{\"trace\":".utf8) + json + Data("}".utf8) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}

/// Trace IDs as Tempo takes them: hex, up to 32 digits, shorter ones padded with leading zeros (a 64-bit
/// Jaeger or Zipkin ID).
enum TempoTraceID {
    static func parse(_ text: String) -> TraceID? {
        guard (1...32).contains(text.utf8.count), text.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit })
        else { return nil }
        return TraceID(hex: String(repeating: "0", count: 32 - text.utf8.count) + text)
    }
}

/// The one protobuf encoding Lumen writes by hand: a message as a length-delimited field of another.
enum ProtobufField {
    static func lengthDelimited(_ number: UInt32, _ payload: Data) -> Data {
        var bytes = Data()
        varint(UInt64(number << 3 | 2), into: &bytes)
        varint(UInt64(payload.count), into: &bytes)
        return bytes + payload
    }

    private static func varint(_ value: UInt64, into bytes: inout Data) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
