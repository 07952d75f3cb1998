/// Why a whole request was refused: the `reason` label of `lumen_ingest_refused_requests_total`
/// (`IngestRefusal.reason`). Overload refusals are counted by `Ingestor.ingest` itself, as `overload`.
public enum RequestRefusalReason: String, Sendable {
    case bodyTooLarge = "body_too_large"
    case invalid
    case unsupportedMediaType = "unsupported_media_type"
    case unsupportedEncoding = "unsupported_encoding"
    case unauthenticated
    case forbidden
    case diskFull = "disk_full"
}

extension Ingestor {
    /// Counts a request refused whole, with its reason.
    public func refused(_ protocol: IngestProtocol, _ refusal: IngestRefusal) {
        if let reason = refusal.reason {
            telemetry.refusedRequest(protocol: `protocol`.rawValue, reason: reason.rawValue)
        }
    }
}

extension Ingestor {
    /// Refuses a request of `protocol` at once while the process is near its memory ceiling, before its body
    /// is read (its items are not known, so only the request is counted).
    func refuseOverMemoryCeiling(_ protocol: IngestProtocol) throws(IngestRefusal) {
        do {
            try gate.checkMemoryCeiling()
        } catch {
            telemetry.refusedRequest(protocol: `protocol`.rawValue, reason: "overload")
            throw Self.refusal(error)
        }
    }

    /// The answer to a request the admission gate turned away.
    static func refusal(_ error: AdmissionGate.Refusal) -> IngestRefusal {
        switch error {
        case .busy(let inFlight, let limit):
            IngestRefusal(.busy,
                "ingest is busy (\(inFlight) bytes in flight, limit \(limit)): retry shortly", retryAfterSeconds: 1)
        case .overMemoryCeiling(let resident, let limit, let ceiling):
            IngestRefusal(.unavailable,
                "near the memory ceiling (\(resident >> 20) MiB resident; ingest stops at \(limit >> 20) MiB of the "
                    + "\(ceiling >> 20) MiB ceiling): retry later",
                retryAfterSeconds: 10)
        case .headsOverBudget(let held, let limit, let ceiling):
            IngestRefusal(.unavailable,
                "the heads waiting to be cut into blocks, with a cut's working memory, hold \(held >> 20) MiB "
                    + "(ingest stops at \(limit >> 20) MiB, "
                    + "a quarter of the \(ceiling >> 20) MiB memory ceiling): retry later",
                retryAfterSeconds: 5)
        }
    }
}
