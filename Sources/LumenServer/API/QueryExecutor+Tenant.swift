import Hummingbird
import LumenModel
import LumenQuery

extension QueryExecutor {
    /// Runs `work` on a query thread for the request's tenant; a query's failure becomes an `APIError` with the
    /// status its kind maps to. For routes that answer in another API's shape (Tempo, Jaeger).
    func run<T: Sendable>(
        _ request: Request, tenants: TenantResolver, _ work: @escaping @Sendable (Tenant, QueryCancellation) throws -> T
    ) async throws(APIError) -> T {
        do {
            let tenant = try tenants.tenant(of: request)
            return try await run { cancellation in try work(tenant, cancellation) }
        } catch let error as QueryError {
            throw APIError(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.internalServerError, "\(error)")
        }
    }
}
