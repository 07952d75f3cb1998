import HTTPTypes
import Hummingbird
import LumenModel

extension HTTPField.Name {
    static let scopeOrgID = HTTPField.Name(Tenant.headerName)!
    static let retryAfter = HTTPField.Name("Retry-After")!
}

/// Decides whose data a request is: by bearer token when tokens are configured (then one is required), else by
/// `X-Scope-OrgID`, else the anonymous tenant. The same rules for HTTP headers and gRPC metadata.
///
/// Lumen's own metrics live in the tenant `_lumen` (`Tenant.selfMetrics`), written by the server alone: every
/// write naming it is refused. Once tokens are configured, the admin token reads it (and only it).
public struct TenantResolver: Sendable {
    /// Why a request's tenant can't be decided; `kind` maps to 401/403/400 (HTTP) or the gRPC equivalents.
    public struct Refusal: Error, Sendable {
        public enum Kind: Sendable { case unauthenticated, forbidden, invalid }
        public let kind: Kind
        public let message: String
    }

    let tokens: [String: Tenant]
    let adminToken: String?

    public init(tokens: [String: Tenant], adminToken: String? = nil) {
        self.tokens = tokens
        self.adminToken = adminToken
    }

    /// Whether the request may use the admin endpoints: anyone while no tokens are configured (the API listens
    /// on loopback by default); once they are, only the admin token — a tenant's token reads its own data, not
    /// the server's.
    func authorizeAdmin(_ request: Request) throws(APIError) {
        guard !tokens.isEmpty else { return }
        guard let adminToken else {
            throw APIError(.forbidden, "admin endpoints need the admin token, and none is configured (admin_token)")
        }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "the admin token is required (Authorization: Bearer <admin token>)")
        }
        guard authorization.dropFirst(7) == adminToken else {
            throw APIError(.forbidden, "this token may not use the admin endpoints")
        }
    }

    /// The tenant a request reads or, with `writing`, writes.
    public func tenant(authorization: String?, scopeOrgID header: String?, writing: Bool = false) throws(Refusal)
        -> Tenant
    {
        let tenant = try resolve(authorization: authorization, scopeOrgID: header)
        if writing, tenant == .selfMetrics {
            throw Refusal(kind: .forbidden,
                message: "tenant \(Tenant.selfMetrics.id) holds Lumen's own metrics and is written by the server alone")
        }
        return tenant
    }

    private func resolve(authorization: String?, scopeOrgID header: String?) throws(Refusal) -> Tenant {
        if !tokens.isEmpty {
            if let adminToken, authorization == "Bearer " + adminToken {
                guard header == nil || header == Tenant.selfMetrics.id else {
                    throw Refusal(kind: .forbidden,
                        message: "the admin token reads tenant \(Tenant.selfMetrics.id) only, not \(header!.prefix(64))")
                }
                return .selfMetrics
            }
            guard let authorization, authorization.hasPrefix("Bearer "),
                let tenant = tokens[String(authorization.dropFirst(7))]
            else {
                throw Refusal(kind: .unauthenticated,
                    message: "a valid bearer token is required (Authorization: Bearer <token>)")
            }
            if let header, header != tenant.id {
                throw Refusal(kind: .forbidden, message: "this token belongs to tenant \(tenant.id), not \(header.prefix(64))")
            }
            return tenant
        }
        guard let header else { return .anonymous }
        guard let tenant = Tenant(header) else {
            throw Refusal(kind: .invalid,
                message: "invalid \(Tenant.headerName) \"\(header.prefix(64))\": use 1–\(Tenant.maxLength) letters, digits or !-_.*'()")
        }
        return tenant
    }

    /// The tenant a request to the query API reads; refusals as 401, 403 or 400. (The ingest listener's
    /// writers are resolved once, by `TenantMiddleware`.)
    func tenant(of request: Request) throws(APIError) -> Tenant {
        do {
            return try tenant(authorization: request.headers[.authorization], scopeOrgID: request.headers[.scopeOrgID])
        } catch {
            let status: HTTPResponse.Status =
                switch error.kind {
                case .unauthenticated: .unauthorized
                case .forbidden: .forbidden
                case .invalid: .badRequest
                }
            throw APIError(status, error.message)
        }
    }
}
