import GRPCCore
import LumenModel
import LumenServer
import LumenWire
import SwiftProtobuf

/// What the three OTLP export services share: the tenant from metadata, ingest, and errors as the OTLP
/// specification asks — INVALID_ARGUMENT for bad data, RESOURCE_EXHAUSTED with RetryInfo when ingest is busy,
/// UNAVAILABLE when it can't take data at all (both retried by OTLP exporters).
struct GRPCExport: Sendable {
    let ingestor: Ingestor
    let tenants: TenantResolver

    /// Returns how many items were refused and why, for the response's partial success. A request whose
    /// protobuf has a field of the wrong wire type is refused whole, INVALID_ARGUMENT (`WireTypeCheck`).
    func ingest<Message: SwiftProtobuf.Message>(
        _ request: ServerRequest<Message>, decode: (Message, Tenant) -> DecodeResult
    ) async throws(RPCError) -> (rejected: Int, message: String) {
        let metadata = request.metadata
        let tenant: Tenant
        do {
            tenant = try tenants.tenant(
                authorization: metadata[stringValues: "authorization"].first(where: { _ in true }),
                scopeOrgID: metadata[stringValues: "x-scope-orgid"].first(where: { _ in true }), writing: true)
        } catch {
            ingestor.refused(.otlpGRPC, RequestRefusalReason(error))
            let code: RPCError.Code =
                switch error.kind {
                case .unauthenticated: .unauthenticated
                case .forbidden: .permissionDenied
                case .invalid: .invalidArgument
                }
            throw RPCError(code: code, message: error.message)
        }
        do {
            try WireTypeCheck.check(request.message, name: Message.protoMessageName)
        } catch {
            ingestor.refused(.otlpGRPC, .invalid)
            throw RPCError(code: .invalidArgument, message: error.message)
        }
        let decoded = decode(request.message, tenant)
        let bytes = request.message.serializedByteCount
        do {
            let outcome = try await ingestor.ingest(
                decoded.batch, protocol: .otlpGRPC, bytes: bytes, decodeRejected: decoded.rejected,
                decodeMessage: decoded.rejectionMessage)
            return (outcome.rejected, outcome.message)
        } catch {
            switch error {
            case .busy(let seconds, let message):
                var metadata = Metadata()
                metadata.addBinary(RetryInfo.statusDetails(code: 8, message: message, retryAfterSeconds: seconds),
                    forKey: "grpc-status-details-bin")
                throw RPCError(code: .resourceExhausted, message: message, metadata: metadata)
            case .unavailable(_, let message):
                throw RPCError(code: .unavailable, message: message)
            }
        }
    }
}

/// `google.rpc.Status` carrying one `google.rpc.RetryInfo`, encoded by hand (three small messages), for the
/// `grpc-status-details-bin` trailer that tells an OTLP exporter when to retry RESOURCE_EXHAUSTED.
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
