import HTTPTypes
import LumenQuery

/// The one mapping of a query failure's kind to an HTTP status and a Prometheus `errorType`, used by the
/// Prometheus routes, the native API and every other query route. Statuses are Prometheus' (`respondError` in
/// `web/api/v1/api.go`): bad data 400, execution 422, canceled 499 (nginx's "client closed request"),
/// timeout and unavailable 503, internal 500. Lumen's `too_large` has no Prometheus counterpart: Prometheus
/// answers its nearest, too many samples, with `execution` and 422, so Lumen does too.
extension QueryError.Kind {
    static let clientClosedRequest = HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")

    var status: HTTPResponse.Status {
        switch self {
        case .badData: .badRequest
        case .execution, .tooLarge: .unprocessableContent
        case .canceled: Self.clientClosedRequest
        case .timeout, .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    /// Loki's statuses (`ClientHTTPStatusAndError` in `pkg/util/server/error.go`): what the client can change —
    /// bad data, and the limits Lumen calls execution or too large — 400, canceled 499, timed out 504, internal 500;
    /// Lumen's own `unavailable` (retry shortly) 503, as every route answers it.
    var lokiStatus: HTTPResponse.Status {
        switch self {
        case .badData, .execution, .tooLarge: .badRequest
        case .canceled: Self.clientClosedRequest
        case .timeout: .gatewayTimeout
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    var prometheusErrorType: String {
        switch self {
        case .tooLarge: QueryError.Kind.execution.rawValue
        default: rawValue
        }
    }
}
