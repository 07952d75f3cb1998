import HTTPTypes
import Hummingbird
import LumenModel

extension HTTPField.Name {
    static let scopeOrgID = HTTPField.Name(Tenant.headerName)!
    static let retryAfter = HTTPField.Name("Retry-After")!
}

extension Request {
    /// The tenant named by `X-Scope-OrgID`, or the anonymous tenant when there is none.
    func tenant() throws(APIError) -> Tenant {
        guard let header = headers[.scopeOrgID] else { return .anonymous }
        guard let tenant = Tenant(header) else {
            throw APIError(
                .badRequest,
                "invalid \(Tenant.headerName) \"\(header.prefix(64))\": use 1–\(Tenant.maxLength) letters, digits or !-_.*'()")
        }
        return tenant
    }
}
