import Foundation
import LumenWire
import NIOCore

/// The body of an OTLP/HTTP error response: a `google.rpc.Status` (code, message) in the request's format,
/// as the OTLP specification asks. Written by hand because it is two fields.
enum OTLPStatusBody {
    /// - Parameter code: a gRPC status code (`IngestRefusal.grpcStatusCode`).
    static func encode(_ code: Int, message: String, format: OTLPFormat) -> ByteBuffer {
        switch format {
        case .json:
            let object: [String: Any] = ["code": code, "message": message]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return ByteBuffer(bytes: data)
        case .protobuf:
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt8(0x08))  // field 1, varint
            writeVarint(UInt64(code), to: &buffer)
            let utf8 = Array(message.utf8)
            buffer.writeInteger(UInt8(0x12))  // field 2, length-delimited
            writeVarint(UInt64(utf8.count), to: &buffer)
            buffer.writeBytes(utf8)
            return buffer
        }
    }

    private static func writeVarint(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(value & 0x7f | 0x80))
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }
}
