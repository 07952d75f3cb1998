import GRPCCore
import LumenServer

extension IngestRefusal {
    /// The gRPC status a refusal is answered with (`grpcStatusCode`, as OTLP/gRPC asks: INVALID_ARGUMENT for bad
    /// data, RESOURCE_EXHAUSTED when too large or busy, UNAVAILABLE …), with a `RetryInfo` in
    /// `grpc-status-details-bin` under overload, which tells an OTLP exporter when to retry.
    var rpcError: RPCError {
        let code = Status.Code(rawValue: grpcStatusCode).flatMap(RPCError.Code.init) ?? .internalError
        var metadata = Metadata()
        if let retryAfterSeconds {
            metadata.addBinary(
                RetryInfo.statusDetails(
                    code: Int32(grpcStatusCode), message: message, retryAfterSeconds: retryAfterSeconds),
                forKey: "grpc-status-details-bin")
        }
        return RPCError(code: code, message: message, metadata: metadata)
    }
}
