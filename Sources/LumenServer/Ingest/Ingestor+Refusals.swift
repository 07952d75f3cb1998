import LumenWire

/// Why a whole request was refused before its data reached `Ingestor.ingest`: the `reason` label of
/// `lumen_ingest_refused_requests_total`. (Overload refusals are counted by `ingest` itself, as `overload`.)
public enum RequestRefusalReason: String, Sendable {
    /// Over `max_body_bytes`, declared (`Content-Length`), sent, or once decompressed: HTTP 413, gRPC
    /// RESOURCE_EXHAUSTED.
    case bodyTooLarge = "body_too_large"
    /// A body that cannot be decoded: HTTP 400, gRPC INVALID_ARGUMENT.
    case invalid
    case unsupportedMediaType = "unsupported_media_type"
    case unsupportedEncoding = "unsupported_encoding"
    case unauthenticated
    case forbidden

    /// The reason for a decoder's or decompressor's error.
    public init(_ error: WireError) {
        switch error.kind {
        case .malformed: self = .invalid
        case .tooLarge: self = .bodyTooLarge
        case .unsupportedMediaType: self = .unsupportedMediaType
        case .unsupportedEncoding: self = .unsupportedEncoding
        }
    }

    /// The reason for a tenant that cannot be decided.
    public init(_ refusal: TenantResolver.Refusal) {
        switch refusal.kind {
        case .unauthenticated: self = .unauthenticated
        case .forbidden: self = .forbidden
        case .invalid: self = .invalid
        }
    }
}

extension Ingestor {
    /// Counts a request refused whole by its collector (too large, undecodable, unauthorized).
    public func refused(_ protocol: IngestProtocol, _ reason: RequestRefusalReason) {
        telemetry.refusedRequest(protocol: `protocol`.rawValue, reason: reason.rawValue)
    }
}
