import LumenWire

/// Why a request was refused whole — the one refusal model of every ingest protocol. The pipeline counts each
/// once (`lumen_ingest_refused_requests_total{reason}`); each protocol's front maps it once: to an HTTP status
/// and a body in the protocol's convention, or to a gRPC status (`grpcStatusCode`). Items refused one by one
/// are not refusals: they are counted in `IngestOutcome` and the rest of the request is kept.
public struct IngestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Over `max_body_bytes`, declared, sent or once decompressed: HTTP 413, gRPC RESOURCE_EXHAUSTED.
        case tooLarge
        /// A body that cannot be decoded, or a tenant header that is not a tenant: 400, INVALID_ARGUMENT.
        case badData
        /// A content type the protocol does not speak: 415, INVALID_ARGUMENT.
        case unsupportedMediaType
        /// A `Content-Encoding` Lumen cannot inflate: 415, INVALID_ARGUMENT.
        case unsupportedEncoding
        /// No valid bearer token where tokens are configured: 401, UNAUTHENTICATED.
        case unauthenticated
        /// A token writing a tenant that is not its own, or the server's own tenant: 403, PERMISSION_DENIED.
        case forbidden
        /// Too much is being written right now: 429, RESOURCE_EXHAUSTED with `RetryInfo`.
        case busy
        /// Over the memory ceiling, or the store failing: 503, UNAVAILABLE.
        case unavailable
        /// The disk holding the store is full: 507, RESOURCE_EXHAUSTED, with `Retry-After`. Writes resume on their
        /// own once space returns.
        case insufficientStorage
    }

    public let kind: Kind
    public let message: String
    /// Set for `busy`, `unavailable` and `insufficientStorage`: when to try again (`Retry-After`, gRPC `RetryInfo`).
    public let retryAfterSeconds: Int?

    public init(_ kind: Kind, _ message: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }

    /// A decoder's or decompressor's error.
    public init(_ error: WireError) {
        let kind: Kind =
            switch error.kind {
            case .malformed: .badData
            case .tooLarge: .tooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .unsupportedEncoding: .unsupportedEncoding
            }
        self.init(kind, error.message)
    }

    /// A tenant that cannot be decided.
    public init(_ refusal: TenantResolver.Refusal) {
        let kind: Kind =
            switch refusal.kind {
            case .unauthenticated: .unauthenticated
            case .forbidden: .forbidden
            case .invalid: .badData
            }
        self.init(kind, refusal.message)
    }

    /// The `reason` label it is counted with; nil for overload, which `Ingestor.ingest` counts as `overload`
    /// together with the items it turned away.
    public var reason: RequestRefusalReason? {
        switch kind {
        case .tooLarge: .bodyTooLarge
        case .badData: .invalid
        case .unsupportedMediaType: .unsupportedMediaType
        case .unsupportedEncoding: .unsupportedEncoding
        case .unauthenticated: .unauthenticated
        case .forbidden: .forbidden
        case .insufficientStorage: .diskFull
        case .busy, .unavailable: nil
        }
    }

    /// The gRPC status code (`google.rpc.Code`) it is answered with over gRPC, and in the `google.rpc.Status`
    /// body of an OTLP/HTTP error, as the OTLP specification pairs them.
    public var grpcStatusCode: Int {
        switch kind {
        case .badData, .unsupportedMediaType, .unsupportedEncoding: 3  // INVALID_ARGUMENT
        case .forbidden: 7  // PERMISSION_DENIED
        case .tooLarge, .busy, .insufficientStorage: 8  // RESOURCE_EXHAUSTED
        case .unavailable: 14  // UNAVAILABLE
        case .unauthenticated: 16  // UNAUTHENTICATED
        }
    }
}
