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
