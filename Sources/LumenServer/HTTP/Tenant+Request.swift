import HTTPTypes
import Hummingbird
import LumenModel

extension HTTPField.Name {
    static let scopeOrgID = HTTPField.Name(Tenant.headerName)!
    static let retryAfter = HTTPField.Name("Retry-After")!
}

/// Decides whose data a request is: by bearer token when tokens are configured (then one is required), else by
/// `X-Scope-OrgID`, else the anonymous tenant. The same rules for HTTP headers and gRPC metadata.
public struct TenantResolver: Sendable {
    /// Why a request's tenant can't be decided; `kind` maps to 401/403/400 (HTTP) or the gRPC equivalents.
    public struct Refusal: Error, Sendable {
        public enum Kind: Sendable { case unauthenticated, forbidden, invalid }
        public let kind: Kind
        public let message: String
    }

    let tokens: [String: Tenant]

    public init(tokens: [String: Tenant]) {
        self.tokens = tokens
    }

    public func tenant(authorization: String?, scopeOrgID header: String?) throws(Refusal) -> Tenant {
        if !tokens.isEmpty {
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
