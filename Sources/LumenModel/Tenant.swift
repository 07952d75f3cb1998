/// Whose data it is. Chosen by `X-Scope-OrgID`; data of one tenant is never visible to another.
public struct Tenant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let headerName = "X-Scope-OrgID"
    /// The tenant of requests that name none (Cortex and Mimir use the same name).
    public static let anonymous = Tenant(unchecked: "anonymous")
    public static let maxLength = 150

    public let id: String

    /// Accepts 1–150 characters of letters, digits and `!-_.*'()`, as Loki, Mimir and Tempo do;
    /// `nil` otherwise, so a tenant ID is always safe as a directory name.
    public init?(_ id: String) {
        let allowed = Set("!-_.*'()".utf8)
        guard !id.isEmpty, id.utf8.count <= Self.maxLength, id != ".", id != "..",
            id.utf8.allSatisfy({ $0 < 128 && (allowed.contains($0) || Character(Unicode.Scalar($0)).isLetter
                || Character(Unicode.Scalar($0)).isNumber) })
        else { return nil }
        self.id = id
    }

    private init(unchecked id: String) { self.id = id }

    public var description: String { id }
    public static func < (lhs: Tenant, rhs: Tenant) -> Bool { lhs.id < rhs.id }
}
