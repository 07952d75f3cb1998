import Hummingbird

extension IngestRefusal {
    /// The status a refusal is answered with over HTTP, whatever the protocol.
    var httpStatus: HTTPResponse.Status {
        switch kind {
        case .badData: .badRequest
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType, .unsupportedEncoding: .unsupportedMediaType
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .busy: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .insufficientStorage: .insufficientStorage
        }
    }

    /// A response with the refusal's status, `body` and, under overload, `Retry-After`.
    func response(contentType: String, body: ByteBuffer) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: httpStatus, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The refusal as plain text, for protocols whose errors are text (and for a request whose format is unknown).
    var plainTextResponse: Response {
        response(contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: message + "\n"))
    }
}

extension HTTPResponse.Status {
    /// 507 (RFC 4918): the server cannot store what the request holds; HTTPTypes names no constant for it.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
