import Hummingbird
import LumenQuery

/// An error that knows its HTTP status and says what the client can do about it; rendered as
/// `{"error": "…"}` so every API failure has the same shape, with `"kind"` when it is a query's failure.
struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    /// What kind of failure a query had (`QueryError.Kind`); nil for errors outside a query's evaluation.
    let kind: QueryError.Kind?
    /// For 429 and 503: when to try again.
    let retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.kind = nil
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// A query's failure, with the status its kind maps to (`QueryError.Kind.status`).
    init(_ error: QueryError, prefix: String = "") {
        status = error.kind.status
        message = prefix + error.description
        kind = error.kind
        retryAfterSeconds = error.kind == .unavailable ? 1 : nil
    }

    var description: String { message }

    /// Prometheus' `errorType` for this error: the kind's, or, for errors outside a query, the one Prometheus
    /// gives its status (`unavailable` for 503, `not_found` for 404, `internal` for other 5xx, else `bad_data`).
    var prometheusErrorType: String {
        if let kind { return kind.prometheusErrorType }
        switch status.code {
        case 503: return "unavailable"
        case 404: return "not_found"
        case 500...: return "internal"
        default: return "bad_data"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = ["error": message]
        if let kind { body["kind"] = kind.rawValue }
        var response = Response.json(body, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}
