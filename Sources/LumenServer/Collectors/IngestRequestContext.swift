import Hummingbird
import LumenModel

/// The ingest listener's request context: whose data a request writes, resolved once for every route by
/// `TenantMiddleware`.
struct IngestRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The tenant, or why it cannot be decided. A route meets the refusal where it takes the tenant, after what
    /// it checks from the headers alone (an OTLP request of an unknown content type is answered 415 first).
    var tenant: Result<Tenant, IngestRefusal> = .failure(
        IngestRefusal(.unavailable, "the ingest listener resolved no tenant (TenantMiddleware is missing)"))

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

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
