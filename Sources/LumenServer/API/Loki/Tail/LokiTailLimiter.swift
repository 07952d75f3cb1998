import CoreMetrics
import LumenModel
import Synchronization

/// How many tails may run at once: `perTenant` for each tenant (Loki's `max_concurrent_tail_requests`, 10 by
/// default) and `total` for the server. Each tail holds a place from its upgrade to its close; one more is
/// refused with a message naming the limit, and counted in `lumen_loki_tail_refused_total{limit}`;
/// `lumen_loki_tails` is the number running.
final class LokiTailLimiter: Sendable {
    let perTenant: Int
    let total: Int
    private let running = Mutex<[Tenant: Int]>([:])
    private let factory: any MetricsFactory

    init(perTenant: Int, total: Int, factory: any MetricsFactory) {
        self.perTenant = perTenant
        self.total = total
        self.factory = factory
    }

    /// Takes a place for `tenant`, or throws why not; `release` gives it back.
    func admit(_ tenant: Tenant) throws(APIError) {
        let refusal: (limit: String, message: String)? = running.withLock { running in
            let all = running.values.reduce(0, +)
            let tenants = running[tenant, default: 0]
            if tenants >= perTenant {
                return ("per_tenant", "max concurrent tail requests limit exceeded, count > limit "
                    + "(\(tenants + 1) > \(perTenant))")
            }
            if all >= total {
                return ("total", "the server runs its maximum of \(total) tails: retry later")
            }
            running[tenant] = tenants + 1
            Gauge(label: "lumen_loki_tails", factory: factory).record(all + 1)
            return nil
        }
        if let refusal {
            Counter(label: "lumen_loki_tail_refused_total", dimensions: [("limit", refusal.limit)], factory: factory)
                .increment()
            throw APIError(.tooManyRequests, refusal.message)
        }
    }

    func release(_ tenant: Tenant) {
        running.withLock { running in
            running[tenant, default: 1] -= 1
            if running[tenant] == 0 { running[tenant] = nil }
            Gauge(label: "lumen_loki_tails", factory: factory).record(running.values.reduce(0, +))
        }
    }
}
