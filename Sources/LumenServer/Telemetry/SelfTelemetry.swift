import CoreMetrics
import Foundation
import LumenEngine
import LumenModel
import Metrics
import Prometheus
import Synchronization

/// Lumen's own metrics, exposed at `GET /metrics` in Prometheus' text format through swift-metrics and
/// swift-prometheus. Each server has its own registry (no global bootstrap), so servers in one process —
/// tests — don't mix their numbers.
public final class SelfTelemetry: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// What `lumen_storage_damaged_pages_total` counted so far, per signal (`recordDamage`).
    private let damageCounted = Mutex<[String: Int]>([:])

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// Items a collector decoded from a request, before limits.
    func received(_ count: Int, protocol name: String, signal: String) {
        guard count > 0 else { return }
        Counter(label: "lumen_ingest_received_total", dimensions: [("protocol", name), ("signal", signal)],
            factory: factory).increment(by: count)
    }

    /// Items made durable and queryable.
    func accepted(_ count: Int, protocol name: String, signal: String) {
        guard count > 0 else { return }
        Counter(label: "lumen_ingest_accepted_total", dimensions: [("protocol", name), ("signal", signal)],
            factory: factory).increment(by: count)
    }

    /// Items refused, by reason: `invalid`, a limit's name, `duplicate`, `conflict`, `overload`.
    func rejected(_ count: Int, protocol name: String, signal: String, reason: String) {
        guard count > 0 else { return }
        Counter(label: "lumen_ingest_rejected_total",
            dimensions: [("protocol", name), ("signal", signal), ("reason", reason)], factory: factory)
            .increment(by: count)
    }

    /// Requests or datagrams refused whole (overload, bad input) or dropped (UDP).
    func refusedRequest(protocol name: String, reason: String, count: Int = 1) {
        Counter(label: "lumen_ingest_refused_requests_total", dimensions: [("protocol", name), ("reason", reason)],
            factory: factory).increment(by: count)
    }

    /// A head cut early because the process neared its memory ceiling (`MemoryPressureRelief`).
    func memoryPressureCut() {
        Counter(label: "lumen_memory_pressure_head_cuts_total", factory: factory).increment()
    }

    /// Connections closed at once because their listener had no place left (`ConnectionBudget`).
    func refusedConnection(listener: String) {
        Counter(label: "lumen_connections_refused_total", dimensions: [("listener", listener)], factory: factory)
            .increment()
    }

    func walCommit(records: Int, duration: Duration) {
        Timer(label: "lumen_wal_fsync_duration_seconds", factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    func request(listener: String, route: String, status: Int, duration: Duration) {
        Timer(label: "lumen_http_request_duration_seconds",
            dimensions: [("listener", listener), ("route", route), ("code", String(status))], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// The text exposition, with the gauges read from the store at scrape time.
    func exposition(
        head: Head.Statistics, blocks: Int, inFlightBytes: Int, residentBytes: Int, writable: Bool,
        connections: [String: Int]
    ) -> String {
        func gauge(_ name: String, _ value: Int) {
            Gauge(label: name, factory: factory).record(value)
        }
        gauge("lumen_head_series", head.series)
        gauge("lumen_head_samples", head.samples)
        gauge("lumen_head_log_records", head.logs)
        gauge("lumen_head_spans", head.spans)
        gauge("lumen_head_traces", head.traces)
        gauge("lumen_head_bytes", head.bytes)
        gauge("lumen_blocks", blocks)
        gauge("lumen_ingest_in_flight_bytes", inFlightBytes)
        gauge("lumen_process_resident_memory_bytes", residentBytes)
        gauge("lumen_storage_writable", writable ? 1 : 0)
        for (listener, open) in connections {
            Gauge(label: "lumen_connections", dimensions: [("listener", listener)], factory: factory).record(open)
        }
        return registry.emitToString()
    }

    /// Brings `lumen_storage_damaged_pages_total{signal}` up to the damaged pages the store's reads have met
    /// (`DamagedPages`), each signal shown from 0.
    private func recordDamage(_ bySignal: [String: Int]) {
        damageCounted.withLock { counted in
            for signal in Set(["metrics", "logs", "spans", "exemplars"]).union(bySignal.keys) {
                let count = bySignal[signal] ?? 0
                guard counted[signal] == nil || count > counted[signal]! else { continue }
                Counter(label: "lumen_storage_damaged_pages_total", dimensions: [("signal", signal)], factory: factory)
                    .increment(by: count - (counted[signal] ?? 0))
                counted[signal] = count
            }
        }
    }

    /// The text exposition of this server: what `GET /metrics` answers and `SelfMetricsRecorder` stores.
    func exposition(storage: Storage, gate: AdmissionGate, connections: ConnectionBudget) -> String {
        recordDamage(storage.damagedPages.bySignal)
        return exposition(
            head: storage.head.statistics, blocks: storage.blocks.count, inFlightBytes: gate.inFlightBytes,
            residentBytes: gate.residentBytes(), writable: storage.unwritableReason == nil,
            connections: Dictionary(uniqueKeysWithValues: connections.openConnections.map {
                ($0.key.metricLabel, $0.value)
            }))
    }
}
