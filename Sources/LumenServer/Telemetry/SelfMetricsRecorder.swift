import Logging
import LumenEngine
import LumenModel
import ServiceLifecycle

/// Writes Lumen's own metrics — what `GET /metrics` exposes — into its own store, tenant `_lumen`
/// (`Tenant.selfMetrics`), every `interval` (15 s by default, Prometheus' usual scrape interval), so they have
/// history and are queried like any other metrics (`Dashboards/lumen.yaml`). Written straight to the store, not
/// through the ingest limits, which are for clients; a failed write is logged and the next interval tries again.
/// In a cluster every series also carries `node` (the node's name), since a query of `_lumen` reads every node.
struct SelfMetricsRecorder: Service {
    let storage: Storage
    let interval: Duration
    /// The cluster node's name, nil for a single node.
    let node: String?
    let exposition: @Sendable () -> String
    let logger: Logger

    func run() async throws {
        // The first snapshot after one interval, as a scrape would take it: a server just started has nothing
        // to say yet.
        await everyInterval(interval) { await record() }
    }

    /// One snapshot of the registry, stored at the time it was taken.
    func record() async {
        var series = ExpositionSamples.series(exposition(), at: Timestamp.now())
        if let node {
            for index in series.indices {
                series[index].labels = Labels(series[index].labels.labels + [Label("node", node)])
            }
        }
        do {
            try await storage.append(Batch(tenant: .selfMetrics, series: series))
        } catch {
            logger.warning("could not store Lumen's own metrics; retrying next interval", metadata: ["error": "\(error)"])
        }
    }
}
