import Hummingbird
import LumenWire

extension Response {
    /// OTLP/HTTP's answer, in the request's format: 200 with the signal's `Export…ServiceResponse`, carrying
    /// `partial_success` when items were refused; a refusal with its status, a `google.rpc.Status` of the code
    /// OTLP/gRPC would answer, and `Retry-After` under overload (OTLP exporters honour 429 and 503 with it).
    init(otlp result: IngestResult, signal: OTLPSignal, format: OTLPFormat) {
        switch result {
        case .success(let outcome):
            self.init(
                status: .ok, headers: [.contentType: format.contentType],
                body: ResponseBody(byteBuffer: OTLPResponse.encode(
                    signal, rejected: outcome.rejected, message: outcome.message, format: format)))
        case .failure(let refusal):
            self = refusal.response(
                contentType: format.contentType,
                body: OTLPStatusBody.encode(refusal.grpcStatusCode, message: refusal.message, format: format))
        }
    }
}
