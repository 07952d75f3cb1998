import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers alerts to every configured Alertmanager (`--alertmanager URL`, repeatable), as Prometheus'
/// notifier does: `POST /api/v2/alerts` with a JSON array, batches of at most 64, a bounded queue whose
/// overflow drops the oldest alerts (counted), external labels added where an alert lacks them.
///
/// One difference, on purpose: a batch no Alertmanager accepted is not dropped but retried with exponential
/// backoff (its place at the head of the queue kept), so an Alertmanager that is down at start or restarting
/// receives what fired meanwhile. Alerts resent every minute by the rule engine keep it up to date after that.
///
/// Metrics (Prometheus' `prometheus_notifications_*`): `lumen_notifications_sent_total{alertmanager}`,
/// `lumen_notifications_errors_total{alertmanager}`, `lumen_notifications_dropped_total`,
/// `lumen_notifications_queue_length`, `lumen_notifications_queue_capacity`,
/// `lumen_notifications_latency_seconds{alertmanager}`.
///
/// Thread-safety: `send` may be called from any task; `run` is the service loop (one at a time).
public final class AlertmanagerNotifier: Service, Sendable {
    public struct Options: Sendable {
        /// Base URLs (`http://host:9093`, or with a path prefix); `/api/v2/alerts` is appended.
        public var alertmanagers: [String]
        /// Prometheus' `--alertmanager.notification-queue-capacity`.
        public var queueCapacity = 10_000
        /// Prometheus' `maxBatchSize`.
        public var batchSize = 64
        /// Prometheus' `--alertmanager.timeout`.
        public var timeout: Duration = .seconds(10)
        /// Added to an alert's labels when it has no label of that name.
        public var externalLabels: [String: String] = [:]
        public var initialBackoff: Duration = .milliseconds(250)
        public var maximumBackoff: Duration = .seconds(10)

        public init(alertmanagers: [String]) {
            self.alertmanagers = alertmanagers
        }
    }

    public let options: Options
    private let queue: AlertQueue
    private let client: HTTPClient
    private let logger: Logger
    private let factory: any MetricsFactory
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Throws `AlertmanagerURLError` for a URL that is not `http(s)://host…`.
    public init(options: Options, metrics factory: any MetricsFactory, logger: Logger) throws(AlertmanagerURLError) {
        for url in options.alertmanagers { _ = try Self.endpoint(url) }
        self.options = options
        self.factory = factory
        self.logger = logger
        queue = AlertQueue(capacity: max(1, options.queueCapacity))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5))
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        Gauge(label: "lumen_notifications_queue_capacity", factory: factory).record(options.queueCapacity)
        Gauge(label: "lumen_notifications_queue_length", factory: factory).record(0)
        Counter(label: "lumen_notifications_dropped_total", factory: factory).increment(by: 0)
    }

    /// The endpoint alerts are posted to for a configured base URL.
    public static func endpoint(_ base: String) throws(AlertmanagerURLError) -> String {
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else { throw AlertmanagerURLError(url: base) }
        return base.trimmingTrailingSlashes + "/api/v2/alerts"
    }

    /// Queues alerts for every Alertmanager; returns at once (an `AlertNotifier`, which the rule engine calls
    /// after each group evaluation). When the queue is full the oldest alerts are dropped and counted.
    public func send(_ alerts: [OutgoingAlert]) {
        guard !alerts.isEmpty, !options.alertmanagers.isEmpty else { return }
        let labelled = alerts.map { $0.addingExternalLabels(options.externalLabels) }
        let (dropped, length) = queue.append(labelled)
        if dropped > 0 {
            Counter(label: "lumen_notifications_dropped_total", factory: factory).increment(by: dropped)
            logger.warning("alert notification queue full; dropped the oldest alerts", metadata: [
                "dropped": "\(dropped)", "capacity": "\(options.queueCapacity)",
            ])
        }
        Gauge(label: "lumen_notifications_queue_length", factory: factory).record(length)
        wake.yield()
    }

    /// Alerts waiting to be sent.
    public var queueLength: Int { queue.count }

    /// Takes queued alerts without sending them (tests look at what `send` queued).
    func takeQueued(_ limit: Int) -> [OutgoingAlert] { queue.takeBatch(limit) }

    /// Closes the HTTP client of a notifier whose `run` never ran.
    func shutdownClient() async throws { try await client.shutdown() }

    // MARK: the service

    /// Sends batches until graceful shutdown, then tries what is still queued once, and closes the client.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.deliverUntilCancelled() }
        await drain()
        try? await client.shutdown()
    }

    private func deliverUntilCancelled() async {
        var wakeUps = self.wakeUps.makeAsyncIterator()
        var backoff = options.initialBackoff
        while !Task.isCancelled {
            let batch = queue.takeBatch(options.batchSize)
            guard !batch.isEmpty else {
                Gauge(label: "lumen_notifications_queue_length", factory: factory).record(0)
                guard await wakeUps.next() != nil else { return }
                continue
            }
            if await deliver(batch) {
                backoff = options.initialBackoff
            } else {
                let dropped = queue.putBack(batch)
                if dropped > 0 { Counter(label: "lumen_notifications_dropped_total", factory: factory).increment(by: dropped) }
                do {
                    try await Task.sleep(for: backoff)
                } catch {
                    return
                }
                backoff = min(backoff * 2, options.maximumBackoff)
            }
            Gauge(label: "lumen_notifications_queue_length", factory: factory).record(queue.count)
        }
    }

    /// At shutdown: each queued batch once, without retries (Prometheus drains its queue the same way); the
    /// first batch no Alertmanager takes ends it, so a shutdown never waits a timeout per batch.
    private func drain() async {
        while true {
            let batch = queue.takeBatch(options.batchSize)
            if batch.isEmpty { return }
            guard await deliver(batch) else { return }
        }
    }

    /// Posts one batch to every Alertmanager at once; true when at least one accepted it.
    func deliver(_ batch: [OutgoingAlert]) async -> Bool {
        let body: Data
        do {
            body = try OutgoingAlert.body(batch)
        } catch {
            logger.error("cannot encode alerts", metadata: ["error": "\(error)"])
            return true
        }
        return await withTaskGroup(of: Bool.self) { group in
            for base in options.alertmanagers {
                group.addTask { await self.post(body, count: batch.count, to: base) }
            }
            var accepted = false
            for await result in group { accepted = accepted || result }
            return accepted
        }
    }

    private func post(_ body: Data, count: Int, to base: String) async -> Bool {
        let dimensions = [("alertmanager", base)]
        let started = ContinuousClock.now
        do {
            var request = HTTPClientRequest(url: try Self.endpoint(base))
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Lumen")
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .nanoseconds(options.timeout.nanoseconds))
            let reply = try await response.body.collect(upTo: 64 * 1024)
            Timer(label: "lumen_notifications_latency_seconds", dimensions: dimensions, factory: factory)
                .recordNanoseconds((ContinuousClock.now - started).nanoseconds)
            guard (200..<300).contains(response.status.code) else {
                throw AlertmanagerResponseError(status: Int(response.status.code),
                                                body: String(buffer: reply).prefix(300).description)
            }
            Counter(label: "lumen_notifications_sent_total", dimensions: dimensions, factory: factory).increment(by: count)
            return true
        } catch {
            Counter(label: "lumen_notifications_errors_total", dimensions: dimensions, factory: factory)
                .increment(by: count)
            logger.warning("sending alerts to Alertmanager failed", metadata: [
                "alertmanager": "\(base)", "alerts": "\(count)", "error": "\(error)",
            ])
            return false
        }
    }
}

/// An `--alertmanager` value that is not an http(s) URL.
public struct AlertmanagerURLError: Error, CustomStringConvertible {
    public let url: String
    public var description: String {
        "alertmanager \"\(url)\" is not an http:// or https:// URL with a host (for example http://localhost:9093)"
    }
}

/// Alertmanager answered, but not 2xx.
struct AlertmanagerResponseError: Error, CustomStringConvertible {
    let status: Int
    let body: String
    var description: String { "HTTP \(status): \(body)" }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension String {
    fileprivate var trimmingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
