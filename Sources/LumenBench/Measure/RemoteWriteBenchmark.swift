import AsyncHTTPClient
import Foundation
import LumenLoad
import LumenModel
import NIOCore

/// Sends a `RemoteWriteWorkload` to a receiver, one sequential stream of requests per worker, and measures the
/// samples per second it acknowledges and the latency of each acknowledgement.
///
/// The client is AsyncHTTPClient on one event loop, kept-alive connections, one per worker: a few tens of
/// microseconds a request. Foundation's `URLSession` (curl underneath on Linux) took more CPU than the receiver
/// it measured and added about 3 ms to every request, which hid the receivers' own differences.
public struct RemoteWriteBenchmark: Sendable {
    public struct Result: Sendable {
        public var samplesAcknowledged = 0
        public var requestsFailed = 0
        public var firstFailure: String?
        public var elapsedSeconds = 0.0
        /// CPU seconds (user + system) this process spent while sending: the client's share of a machine it
        /// shares with the receiver.
        public var clientCPUSeconds = 0.0
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
        let client = LoadHTTPClient.make(connections: workload.bodies.count)
        let started = ContinuousClock.now
        let cpuBefore = ProcessCPUTime.seconds()
        var total = Result()
        await withTaskGroup(of: Result.self) { group in
            for bodies in workload.bodies {
                group.addTask { await send(bodies, with: client) }
            }
            for await result in group {
                total.samplesAcknowledged += result.samplesAcknowledged
                total.requestsFailed += result.requestsFailed
                total.firstFailure = total.firstFailure ?? result.firstFailure
                total.latenciesSeconds += result.latenciesSeconds
            }
        }
        total.elapsedSeconds = (ContinuousClock.now - started).seconds
        total.clientCPUSeconds = ProcessCPUTime.seconds() - cpuBefore
        try? await client.shutdown()
        return total
    }

    /// One worker's requests, in order, each sent when the one before is answered.
    private func send(_ bodies: [[UInt8]], with client: HTTPClient) async -> Result {
        var result = Result()
        for body in bodies {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-protobuf")
            request.headers.add(name: "Content-Encoding", value: "snappy")
            request.headers.add(name: "X-Prometheus-Remote-Write-Version", value: "0.1.0")
            request.body = .bytes(ByteBuffer(bytes: body))
            let sent = ContinuousClock.now
            do {
                let response = try await client.execute(request, timeout: .seconds(60))
                let answer = try await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(response.status.code) {
                    result.samplesAcknowledged += workload.samplesPerRequest
                    result.latenciesSeconds.append((ContinuousClock.now - sent).seconds)
                } else {
                    result.requestsFailed += 1
                    result.firstFailure = result.firstFailure
                        ?? "\(response.status.code): \(LoadHTTPClient.excerpt(answer))"
                }
            } catch {
                result.requestsFailed += 1
                result.firstFailure = result.firstFailure ?? "\(error)"
            }
        }
        return result
    }
}
