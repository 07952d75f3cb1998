/// The two encodings of OTLP/HTTP bodies. A response uses the request's format.
public enum OTLPFormat: Sendable, Hashable {
    case protobuf
    case json

    /// Reads a `Content-Type` header, ignoring parameters (`; charset=utf-8`) and case; `nil` for any other
    /// media type, which the server answers with 415.
    public init?(contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        switch mediaType.trimmingWhitespace().lowercased() {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}
