import LumenModel

/// Limits for every tenant: the defaults, and overrides for named tenants.
public struct TenantLimits: Sendable, Equatable {
    public var defaults = IngestLimits()
    public var overrides: [String: IngestLimits] = [:]

    public init(defaults: IngestLimits = IngestLimits(), overrides: [String: IngestLimits] = [:]) {
        self.defaults = defaults
        self.overrides = overrides
    }

    public func limits(for tenant: Tenant) -> IngestLimits {
        overrides[tenant.id] ?? defaults
    }
}
