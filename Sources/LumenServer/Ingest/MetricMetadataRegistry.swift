import LumenModel
import Synchronization

/// The type, unit and help text senders gave each metric family, per tenant: what `/api/v1/metadata` answers.
///
/// In memory only, as Prometheus keeps it: senders repeat it (remote write every minute, OTLP with every export,
/// StatsD with every flush), so a restarted server knows it again within a minute. A family keeps up to
/// `descriptionsPerFamily` distinct descriptions (senders that disagree, a help text that changed), the oldest
/// replaced first. Bounded: a tenant holds at most `capacity` descriptions; past that, new families are dropped
/// and counted in `dropped`, while a known family's new description replaces its oldest. Safe to call from any
/// thread.
public final class MetricMetadataRegistry: Sendable {
    public static let defaultCapacity = 10_000
    public static let descriptionsPerFamily = 4

    /// A tenant's families, each with its descriptions, oldest first; `count` is their total.
    private struct Families {
        var byName: [String: [MetricMetadata]] = [:]
        var count = 0
    }

    private struct State {
        var tenants: [Tenant: Families] = [:]
        var dropped = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = MetricMetadataRegistry.defaultCapacity) {
        self.capacity = capacity
    }

    /// Descriptions refused because their tenant was at `capacity`, since start-up.
    public var dropped: Int { state.withLock { $0.dropped } }

    /// Descriptions held, all tenants together.
    public var count: Int { state.withLock { $0.tenants.values.reduce(0) { $0 + $1.count } } }

    /// Takes what a batch said about its families. Returns how many descriptions were dropped for the cap.
    @discardableResult
    public func record(_ entries: [MetricMetadata], tenant: Tenant) -> Int {
        guard !entries.isEmpty else { return 0 }
        return state.withLock { state in
            var dropped = 0
            var families = state.tenants.removeValue(forKey: tenant) ?? Families()
            for entry in entries {
                if !Self.add(entry, to: &families, capacity: capacity) { dropped += 1 }
            }
            state.tenants[tenant] = families
            state.dropped += dropped
            return dropped
        }
    }

    /// Adds `entry` unless its family holds it already; `false` when the cap refused it.
    private static func add(_ entry: MetricMetadata, to families: inout Families, capacity: Int) -> Bool {
        var descriptions = families.byName[entry.metric] ?? []
        if let index = descriptions.firstIndex(of: entry) {
            // Already known: it becomes the newest again, so a family's current description comes first.
            if index != descriptions.count - 1 { descriptions.append(descriptions.remove(at: index)) }
        } else if families.count < capacity, descriptions.count < descriptionsPerFamily {
            descriptions.append(entry)
            families.count += 1
        } else if !descriptions.isEmpty {
            // A full family, or a known family of a full tenant: the new description replaces the oldest.
            descriptions.removeFirst()
            descriptions.append(entry)
        } else {
            return false
        }
        families.byName[entry.metric] = descriptions
        return true
    }

    /// The tenant's families by name, each with its descriptions newest first.
    /// - Parameters:
    ///   - metric: only this family, when given.
    ///   - limit: at most this many families (the first by name); negative for all.
    ///   - limitPerMetric: at most this many descriptions a family when positive.
    public func metadata(_ tenant: Tenant, metric: String? = nil, limit: Int = -1, limitPerMetric: Int = -1)
        -> [(metric: String, descriptions: [MetricMetadata])]
    {
        let families = state.withLock { $0.tenants[tenant]?.byName ?? [:] }
        var names = metric.map { families[$0] == nil ? [] : [$0] } ?? families.keys.sorted()
        if limit >= 0 { names = Array(names.prefix(limit)) }
        return names.map { name in
            let newestFirst = Array(families[name, default: []].reversed())
            return (name, limitPerMetric > 0 ? Array(newestFirst.prefix(limitPerMetric)) : newestFirst)
        }
    }
}
