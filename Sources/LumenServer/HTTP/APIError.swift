import Hummingbird

/// An error that knows its HTTP status and says what the client can do about it; rendered as
/// `{"error": "…"}` so every API failure has the same shape.
struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(["error": message], status: status)
    }
}
