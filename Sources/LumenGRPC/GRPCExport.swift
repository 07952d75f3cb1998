import GRPCCore
import LumenModel
import LumenServer
import LumenWire
import SwiftProtobuf

/// The ingest pipeline's gRPC front, shared by the three OTLP export services: the tenant `TenantInterceptor`
/// resolved, the message (already received and held to the body limit by `GRPCMessageLimitHandler`) checked
/// and decoded, then `Ingestor`. A refusal is counted once (`Ingestor.request`) and thrown as its gRPC status.
struct GRPCExport: Sendable {
    let ingestor: Ingestor

    /// Returns what was stored, for the response's partial success. A request whose protobuf has a field of the
    /// wrong wire type is refused whole, INVALID_ARGUMENT (`WireTypeCheck`).
    func ingest<Message: SwiftProtobuf.Message>(
        _ request: ServerRequest<Message>, decode: (Message, Tenant) -> DecodeResult
    ) async throws(RPCError) -> IngestOutcome {
        guard let tenant = TenantInterceptor.tenant else {
            throw RPCError(code: .internalError, message: "no tenant: the TenantInterceptor is not installed")
        }
        let message = request.message
        let result = await ingestor.request(.otlpGRPC) { () async throws(IngestRefusal) -> IngestOutcome in
            try await ingestor.ingest(.otlpGRPC, bytes: message.serializedByteCount) { () throws(WireError) in
                try WireTypeCheck.check(message, name: Message.protoMessageName)
                return decode(message, tenant)
            }
        }
        switch result {
        case .success(let outcome): return outcome
        case .failure(let refusal): throw refusal.rpcError
        }
    }
}
