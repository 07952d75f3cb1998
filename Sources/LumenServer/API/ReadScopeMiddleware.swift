import HTTPTypes
import Hummingbird
import LumenEngine

/// Gives every API request a `ReadScope`, which the query executor ties to the request's queries: with
/// `partial=true` in the URL's query string, a query node in a cluster answers without a node that failed and
/// says so in a `Warning` header (Prometheus' routes also list it in `warnings`); without it that query fails
/// with 503.
struct ReadScopeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let warning = HTTPField.Name("Warning")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let scope = ReadScope(partial: request.uri.queryParameters["partial"].map { $0 == "true" || $0 == "1" } ?? false)
        var response = try await ReadScope.$current.withValue(scope) { try await next(request, context) }
        for warning in scope.warnings {
            response.headers.append(HTTPField(name: Self.warning, value: "199 lumen \"\(warning.replacingQuotes)\""))
        }
        return response
    }
}

extension String {
    fileprivate var replacingQuotes: String { String(map { $0 == "\"" || $0.isNewline ? "'" : $0 }) }
}
