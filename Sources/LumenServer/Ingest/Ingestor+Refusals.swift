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
