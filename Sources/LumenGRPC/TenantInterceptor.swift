import GRPCCore
import LumenModel
import LumenServer

/// Resolves the tenant of every OTLP/gRPC call, once, before the service runs: by bearer token where tokens are
/// configured, else `x-scope-orgid` metadata, else the anonymous tenant (`TenantResolver`), as a writer. The
/// service reads it from `TenantInterceptor.tenant`; a call whose tenant cannot be decided is refused here,
/// counted, and answered with the refusal's status (`IngestRefusal.rpcError`).
struct TenantInterceptor: ServerInterceptor {
    /// The tenant of the call being served; set only inside `intercept`.
    @TaskLocal static var tenant: Tenant?

    let tenants: TenantResolver
    let ingestor: Ingestor

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let tenant: Tenant
        do {
            tenant = try tenants.tenant(
                authorization: request.metadata[stringValues: "authorization"].first(where: { _ in true }),
                scopeOrgID: request.metadata[stringValues: "x-scope-orgid"].first(where: { _ in true }), writing: true)
        } catch {
            let refusal = IngestRefusal(error)
            ingestor.refused(.otlpGRPC, refusal)
            throw refusal.rpcError
        }
        // A unary service runs inside `next`, so it sees the tenant.
        return try await Self.$tenant.withValue(tenant) { try await next(request, context) }
    }
}
