import ArgumentParser
import Foundation
import LumenLoad
import LumenModel

/// `lumen-bench remote-write`: the same remote-write client and batches against any receiver, so Lumen and
/// Prometheus are measured side by side (Scripts/bench/remote-write.sh).
struct RemoteWriteBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-write",
        abstract: "Send prebuilt Prometheus remote-write batches to a receiver and report samples/s acknowledged.")

    @Option(help: "The receiver's remote-write URL.")
    var url: String

    @Option(name: .customLong("samples-per-request"), help: "Samples in each request.")
    var samplesPerRequest = 1_000

    @Option(help: "Requests in all.")
    var requests = 1_000

    @Option(help: "Distinct series.")
    var series = 1_000

    @Option(help: "Parallel senders, each with its own series and its own in-order stream of requests.")
    var concurrency = 4

    @Option(name: .customLong("series-prefix"), help: "Metric name prefix, so runs against one receiver never overlap.")
    var seriesPrefix = "bench"

    @Option(help: "Label the output line with this name.")
    var name = "receiver"

    func run() async throws {
        guard let target = URL(string: url) else { throw ValidationError("--url must be a URL") }
        guard series >= concurrency, requests >= concurrency, samplesPerRequest > 0 else {
            throw ValidationError("need series ≥ concurrency, requests ≥ concurrency, samples-per-request > 0")
        }
        let interval: Int64 = 1_000_000_000
        let steps = Int64(requests * samplesPerRequest / series + 1)
        // Old enough that every timestamp is in the past, young enough for Prometheus' 1 h append window.
        let start = Timestamp.now() - steps * interval - 60 * interval
        let workload = RemoteWriteWorkload(
            series: series, workers: concurrency, samplesPerRequest: samplesPerRequest, requests: requests,
            start: start, interval: interval, prefix: seriesPrefix)
        let result = await RemoteWriteBenchmark(url: target, workload: workload).run()
        var figures = String(
            format: "%.0f samples/s acknowledged, p50 %.1f ms, p99 %.1f ms", result.samplesPerSecond,
            result.latencyQuantile(0.5) * 1000, result.latencyQuantile(0.99) * 1000)
        if result.samplesAcknowledged > 0 {
            figures += String(format: ", client CPU %.2f s per million samples",
                result.clientCPUSeconds / Double(result.samplesAcknowledged) * 1_000_000)
        }
        print("\(name): \(samplesPerRequest) samples/request, \(requests) requests, \(series) series, "
            + "concurrency \(concurrency): \(figures), \(result.requestsFailed) failed")
        if let failure = result.firstFailure { print("  first failure: \(failure)") }
    }
}
