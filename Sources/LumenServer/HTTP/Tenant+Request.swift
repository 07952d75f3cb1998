import HTTPTypes
import Hummingbird
import LumenModel

extension HTTPField.Name {
    static let scopeOrgID = HTTPField.Name(Tenant.headerName)!
    static let retryAfter = HTTPField.Name("Retry-After")!
}

/// Decides whose data a request is: by bearer token when tokens are configured (then one is required), else by
/// `X-Scope-OrgID`, else the anonymous tenant.
struct TenantResolver: Sendable {
    let tokens: [String: Tenant]

    func tenant(of request: Request) throws(APIError) -> Tenant {
        let header = request.headers[.scopeOrgID]
        if !tokens.isEmpty {
            guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
                let tenant = tokens[String(authorization.dropFirst(7))]
            else {
                throw APIError(.unauthorized, "a valid bearer token is required (Authorization: Bearer <token>)")
            }
            if let header, header != tenant.id {
                throw APIError(.forbidden, "this token belongs to tenant \(tenant.id), not \(header.prefix(64))")
            }
            return tenant
        }
        guard let header else { return .anonymous }
        guard let tenant = Tenant(header) else {
            throw APIError(
                .badRequest,
                "invalid \(Tenant.headerName) \"\(header.prefix(64))\": use 1–\(Tenant.maxLength) letters, digits or !-_.*'()")
        }
        return tenant
    }
}
