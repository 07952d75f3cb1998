/// `google.rpc.Status` carrying one `google.rpc.RetryInfo`, encoded by hand (three small messages), for the
/// `grpc-status-details-bin` trailer that tells an OTLP exporter when to retry.
enum RetryInfo {
    static func statusDetails(code: Int32, message: String, retryAfterSeconds: Int) -> [UInt8] {
        let duration = field(1, varint: UInt64(retryAfterSeconds))  // google.protobuf.Duration.seconds
        let retryInfo = field(1, bytes: duration)  // RetryInfo.retry_delay
        let any = field(1, bytes: Array("type.googleapis.com/google.rpc.RetryInfo".utf8)) + field(2, bytes: retryInfo)
        return field(1, varint: UInt64(code)) + field(2, bytes: Array(message.utf8)) + field(3, bytes: any)
    }

    private static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    private static func field(_ number: UInt64, bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}
