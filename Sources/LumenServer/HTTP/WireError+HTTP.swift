import Hummingbird
import LumenWire

extension WireError {
    /// The status a body refused by a decoder or a limit is answered with.
    var httpStatus: HTTPResponse.Status {
        switch kind {
        case .malformed: .badRequest
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType, .unsupportedEncoding: .unsupportedMediaType
        }
    }
}

extension RequestRefusalReason {
    /// The reason for a refusal answered with `status` without a `WireError` (a tenant refused with 401, 403
    /// or 400; a content type refused with 415).
    init(status: HTTPResponse.Status) {
        switch status {
        case .unauthorized: self = .unauthenticated
        case .forbidden: self = .forbidden
        case .contentTooLarge: self = .bodyTooLarge
        case .unsupportedMediaType: self = .unsupportedMediaType
        default: self = .invalid
        }
    }
}
