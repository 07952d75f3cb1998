import LumenModel
import Synchronization

/// Tempo's metrics-generator inside Lumen: as spans are ingested, counts the RED metrics of every span
/// (`traces_spanmetrics_*`) and of every call between services (`traces_service_graph_*`), and on `collect`
/// hands back their cumulative values as samples, which the server appends to the store like any series —
/// so they are alertable, cheap to query, and kept as long as other metrics (see docs/grafana.md).
///
/// A call caller → callee is a span whose parent belongs to another service, as in `ServiceCallGraph`: its
/// count, failures (the callee's span failed) and server latency are the callee span's, its client latency the
/// caller's span's. Parent and child may arrive in different requests: each waits up to `wait` for the other.
/// A client or producer span naming a peer (`peer.service`, `db.system`, `server.address`) that has no child
/// by then is a call to that peer (`connection_type="virtual_node"`), measured by the client span.
///
/// Thread-safe. Series not updated for `staleAfter` stop being written.
final class MetricsGenerator: Sendable {
    let wait: Int64
    let staleAfter: Int64
    /// Most spans held per tenant while waiting for their parent or child; past it the oldest are let go.
    let maxWaiting: Int
    private let state = Mutex<[Tenant: TenantState]>([:])

    init(wait: Duration = .seconds(10), staleAfter: Duration = .seconds(15 * 60), maxWaiting: Int = 100_000) {
        self.wait = wait.nanoseconds
        self.staleAfter = staleAfter.nanoseconds
        self.maxWaiting = maxWaiting
    }

    /// Counts `spans`, received at `now` (nanoseconds).
    func observe(_ spans: [Span], tenant: Tenant, now: Int64) {
        guard !spans.isEmpty else { return }
        state.withLock { tenants in
            tenants[tenant, default: TenantState()].observe(spans, now: now, maxWaiting: maxWaiting)
        }
    }

    /// Every live series' value at `now`, by tenant; before its first value, a new series gets a 0 a
    /// millisecond earlier, so that `rate` and `increase` count its first increments.
    func collect(now: Int64) -> [Tenant: [TimeSeries]] {
        state.withLock { tenants in
            var result: [Tenant: [TimeSeries]] = [:]
            for tenant in tenants.keys {
                let series = tenants[tenant]!.collect(now: now, wait: wait, staleAfter: staleAfter)
                if !series.isEmpty { result[tenant] = series }
            }
            return result
        }
    }
}
