import Hummingbird

/// Resolves the tenant of every request to the ingest listener, once: by bearer token where tokens are
/// configured, else `X-Scope-OrgID`, else the anonymous tenant (`TenantResolver`), as a writer.
struct TenantMiddleware: RouterMiddleware {
    let tenants: TenantResolver

    func handle(
        _ request: Request, context: IngestRequestContext,
        next: (Request, IngestRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            context.tenant = .success(try tenants.tenant(
                authorization: request.headers[.authorization], scopeOrgID: request.headers[.scopeOrgID],
                writing: true))
        } catch {
            context.tenant = .failure(IngestRefusal(error))
        }
        return try await next(request, context)
    }
}
