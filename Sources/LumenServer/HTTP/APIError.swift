import Hummingbird

/// An error that knows its HTTP status and says what the client can do about it; rendered as
/// `{"error": "…"}` so every API failure has the same shape.
struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    /// For 429 and 503: when to try again.
    let retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    var description: String { message }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(["error": message], status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}
