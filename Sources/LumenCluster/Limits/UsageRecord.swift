import Foundation
import LumenModel

/// The value of a tenant's key in the KV bucket `lumen-usage`: what each storage node claims of the tenant's
/// series and log streams. A node's claim is never below what it holds (it claims before it appends), so the sum of
/// the live storage nodes' claims is the tenant's cluster-wide usage, or above it until a node lowers a claim its
/// flushed heads no longer hold (`UsageLedger.refresh`).
public struct UsageRecord: Codable, Equatable, Sendable {
    public var tenant: String
    /// Node name → its claim.
    public var nodes: [String: TenantUsage]

    public init(tenant: String, nodes: [String: TenantUsage] = [:]) {
        self.tenant = tenant
        self.nodes = nodes
    }

    public static let keyPrefix = "t."

    /// `t.<the tenant ID's bytes in hex>`: KV keys cannot hold every character a tenant ID may (`!*'()`).
    public static func key(of tenant: Tenant) -> String { keyPrefix + HexCoding.encode(tenant.id.utf8) }

    /// The sum of the claims of `live` nodes, leaving out `excluded`'s; a node not alive holds nothing anyone reads.
    public func total(among live: Set<String>, excluding excluded: String? = nil) -> TenantUsage {
        nodes.reduce(TenantUsage.zero) { sum, claim in
            live.contains(claim.key) && claim.key != excluded ? sum + claim.value : sum
        }
    }

    public var bytes: [UInt8] { Array(try! JSONEncoder().encode(self)) }

    /// Decodes a key's value; nil for anything that is not a record.
    public init?(bytes: [UInt8]) {
        guard let record = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = record
    }
}
