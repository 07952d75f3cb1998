import Hummingbird

extension Response {
    /// The answer Prometheus, Loki and Zipkin clients expect: `success` (204 for remote write and Loki, 202 for
    /// Zipkin) when everything was stored; 400 naming the refused items when some were — these protocols have no
    /// partial success, so the accepted part is stored and the answer names the rest; a refusal as plain text with
    /// its status, and `Retry-After` under overload.
    init(push result: IngestResult, success: HTTPResponse.Status) {
        switch result {
        case .success(let outcome) where outcome.rejected == 0:
            self.init(status: success)
        case .success(let outcome):
            self = .text("\(outcome.rejected) items refused: \(outcome.message)", status: .badRequest)
        case .failure(let refusal):
            self = refusal.plainTextResponse
        }
    }
}
