/// The `message` of a `google.rpc.Status` in protobuf, as OTLP/HTTP and gRPC error bodies carry it, read with
/// the same wire reader as remote write, so a client can show a server's reason instead of its bytes.
public enum RPCStatusMessage {
    /// Field 2 (`message`); nil when the bytes are not a well-formed status or carry no message.
    public static func decode(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer -> String? in
            var reader = ProtobufWireReader(buffer)
            var message: String?
            do {
                while let (number, type) = try reader.nextField() {
                    if number == 2, type == .lengthDelimited {
                        message = try reader.string()
                    } else {
                        try reader.skip(type)
                    }
                }
            } catch {
                return nil
            }
            return message
        }
    }
}
