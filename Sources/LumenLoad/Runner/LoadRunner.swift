import Foundation
import LumenModel
import Synchronization

/// Drives the demo shop at an OTLP/HTTP endpoint: simulates requests on a ``LoadSchedule``, sends each
/// tick's spans and logs as one traces and one logs POST, the cumulative metrics every `metricsInterval`
/// and once at the end, with at most `concurrency` POSTs in flight.
///
/// The content is deterministic given the seed and start time; only the pacing depends on the clock and
/// on how fast the endpoint acknowledges (a slow endpoint slows the run rather than piling up requests).
public struct LoadRunner: Sendable {
    public let options: LoadOptions
    /// The caller's transport, which the caller closes; nil for OTLP/HTTP, which each run opens and closes.
    private let sender: (any OTLPSender)?

    /// - Parameter sender: how requests travel; OTLP/HTTP to `options.endpoint` when `nil`.
    public init(options: LoadOptions, sender: (any OTLPSender)? = nil) throws(LoadError) {
        try options.validate()
        self.options = options
        self.sender = sender
    }

    /// Failed POSTs, with none acknowledged yet, after which the endpoint is taken to be down or wrong.
    static let failuresBeforeGivingUp = 3
    /// How long after `duration` a POST may still be retried.
    static let retryGrace: Duration = .seconds(3)

    /// Runs until `duration` or `count` is reached, or the calling task is cancelled (then it stops sending,
    /// waits for the POSTs in flight and returns a summary marked cancelled). `progress` is called at most
    /// once a second, from the running task, and once at the end.
    ///
    /// Throws ``LoadError`` when the first few POSTs all fail — the endpoint is down, wrong, or refuses
    /// the data — rather than simulating on into the void; later failures are counted in the summary.
    public func run(progress: @Sendable (LoadProgress) -> Void = { _ in }) async throws(LoadError) -> LoadSummary {
        let clock = ContinuousClock()
        let began = clock.now
        let start = options.startTime ?? Timestamp.now()
        // Retries stop a little after the run's end, so a failing server cannot hold a 2 s run for a minute.
        let deadline = options.duration.map { began + $0 + Self.retryGrace }
        let http = self.sender == nil ? OTLPHTTPSender(options: options, deadline: deadline) : nil
        let sender: any OTLPSender = self.sender ?? http!
        let tally = Tally()
        var workload = ShopWorkload(seed: options.seed)
        var metrics = ShopMetrics(startTime: start)
        var schedule = LoadSchedule(
            start: start, rate: options.rate, tick: options.tick.nanoseconds, batchSize: options.batchSize,
            count: options.count, duration: options.duration?.nanoseconds)
        var lastMetrics = began
        var lastSimulatedMetrics = start
        var lastReport = began
        var cancelled = false
        var hopeless: LoadError?

        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            func submit(_ post: OTLPPost) async {
                if inFlight >= options.concurrency {
                    await group.next()
                    inFlight -= 1
                }
                tally.sent(post)
                group.addTask {
                    let sent = ContinuousClock.now
                    let outcome = await sender.send(post)
                    tally.finished(post, outcome, latency: ContinuousClock.now - sent)
                }
                inFlight += 1
            }

            while true {
                if Task.isCancelled {
                    cancelled = true
                    break
                }
                if options.rate == 0, let duration = options.duration, clock.now - began >= duration { break }
                // A paced run the server cannot keep up with stops sending at its deadline, as retries do: what
                // it offers is what its time allowed, not a backlog sent after it.
                if options.paced, let deadline, clock.now >= deadline { break }
                guard let tick = schedule.next() else { break }
                if let due = tick.due, options.paced {
                    do {
                        try await Task.sleep(until: began + .nanoseconds(due), clock: clock)
                    } catch {
                        cancelled = true
                        break
                    }
                }
                if !tick.starts.isEmpty {
                    let requests = tick.starts.map { workload.next(at: $0) }
                    for request in requests { metrics.record(request) }
                    tally.simulated(requests.count)
                    await submit(.traces(requests))
                    await submit(.logs(requests))
                }
                if let failure = tally.hopelessFailure(after: Self.failuresBeforeGivingUp) {
                    hopeless = LoadError(.unreachable, "nothing was acknowledged: " + failure)
                    break
                }
                let now = clock.now
                if options.paced, now - lastMetrics >= options.metricsInterval, metrics.pointCount > 0 {
                    lastMetrics = now
                    await submit(.metrics(metrics, at: schedule.now))
                } else if !options.paced, schedule.now - lastSimulatedMetrics >= options.metricsInterval.nanoseconds,
                    metrics.pointCount > 0
                {
                    lastSimulatedMetrics = schedule.now
                    await submit(.metrics(metrics, at: schedule.now))
                }
                if now - lastReport >= .seconds(1) {
                    lastReport = now
                    progress(tally.snapshot(elapsed: now - began))
                }
            }
            if !cancelled, hopeless == nil, metrics.pointCount > 0 {
                await submit(.metrics(metrics, at: schedule.now))
            }
            await group.waitForAll()
        }
        await http?.close()
        if let hopeless { throw hopeless }
        let final = tally.snapshot(elapsed: clock.now - began)
        progress(final)
        return LoadSummary(progress: final, cancelled: cancelled)
    }
}

extension LoadRunner {
    /// The counters shared by the sending loop and the POST tasks.
    final class Tally: Sendable {
        private let state = Mutex(LoadProgress())

        func simulated(_ count: Int) {
            state.withLock { $0.requestsSimulated += count }
        }

        func sent(_ post: OTLPPost) {
            state.withLock { progress in
                switch post.signal {
                case .traces: progress.spansSent += post.items
                case .logs: progress.logsSent += post.items
                case .metrics: progress.pointsSent += post.items
                }
            }
        }

        func finished(_ post: OTLPPost, _ outcome: OTLPSendOutcome, latency: Duration) {
            state.withLock { progress in
                progress.retries += outcome.retries
                if outcome.acknowledged && outcome.retries == 0 { progress.acknowledgementLatencies.append(latency) }
                guard outcome.acknowledged else {
                    progress.failures += 1
                    progress.lastFailure = outcome.failure
                    return
                }
                progress.postsAcknowledged += 1
                switch post.signal {
                case .traces: progress.spansAcknowledged += post.items
                case .logs: progress.logsAcknowledged += post.items
                case .metrics: progress.pointsAcknowledged += post.items
                }
            }
        }

        /// The last failure when `limit` POSTs failed and none was acknowledged.
        func hopelessFailure(after limit: Int) -> String? {
            state.withLock { $0.failures >= limit && $0.postsAcknowledged == 0 ? $0.lastFailure : nil }
        }

        func snapshot(elapsed: Duration) -> LoadProgress {
            state.withLock { progress in
                var copy = progress
                copy.elapsed = elapsed
                return copy
            }
        }
    }
}
