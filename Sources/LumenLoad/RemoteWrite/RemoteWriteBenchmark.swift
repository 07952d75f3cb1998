import Foundation
import LumenModel
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends a `RemoteWriteWorkload` to a receiver, one sequential stream of requests per worker, and measures the
/// samples per second it acknowledges and the latency of each acknowledgement.
public struct RemoteWriteBenchmark: Sendable {
    public struct Result: Sendable {
        public var samplesAcknowledged = 0
        public var requestsFailed = 0
        public var firstFailure: String?
        public var elapsedSeconds = 0.0
        public var latenciesSeconds: [Double] = []

        public var samplesPerSecond: Double { elapsedSeconds > 0 ? Double(samplesAcknowledged) / elapsedSeconds : 0 }

        public func latencyQuantile(_ q: Double) -> Double {
            guard !latenciesSeconds.isEmpty else { return 0 }
            let sorted = latenciesSeconds.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
        }
    }

    public let url: URL
    public let workload: RemoteWriteWorkload

    public init(url: URL, workload: RemoteWriteWorkload) {
        self.url = url
        self.workload = workload
    }

    public func run() async -> Result {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = workload.bodies.count
        let session = URLSession(configuration: configuration)
        let started = ContinuousClock.now
        var total = Result()
        await withTaskGroup(of: Result.self) { group in
            for bodies in workload.bodies {
                group.addTask {
                    var result = Result()
                    for body in bodies {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.httpBody = Data(body)
                        request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
                        request.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
                        request.setValue("0.1.0", forHTTPHeaderField: "X-Prometheus-Remote-Write-Version")
                        let sent = ContinuousClock.now
                        do {
                            let (data, response) = try await session.data(for: request)
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            if (200..<300).contains(status) {
                                result.samplesAcknowledged += workload.samplesPerRequest
                                let elapsed = ContinuousClock.now - sent
                                result.latenciesSeconds.append(elapsed.seconds)
                            } else {
                                result.requestsFailed += 1
                                result.firstFailure = result.firstFailure
                                    ?? "\(status): \(String(decoding: data.prefix(200), as: UTF8.self))"
                            }
                        } catch {
                            result.requestsFailed += 1
                            result.firstFailure = result.firstFailure ?? "\(error)"
                        }
                    }
                    return result
                }
            }
            for await result in group {
                total.samplesAcknowledged += result.samplesAcknowledged
                total.requestsFailed += result.requestsFailed
                total.firstFailure = total.firstFailure ?? result.firstFailure
                total.latenciesSeconds += result.latenciesSeconds
            }
        }
        let elapsed = ContinuousClock.now - started
        total.elapsedSeconds = elapsed.seconds
        return total
    }
}
