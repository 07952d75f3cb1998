import LumenModel
import LumenWire
import SwiftProtobuf

/// Prometheus remote-write request bodies for a benchmark: `series` series split across `workers`, each
/// worker's requests in time order for its own series (a receiver without out-of-order ingestion, such as
/// Prometheus 2.42, refuses anything else), `samplesPerRequest` samples each, snappy-compressed protobuf.
/// Built up front, so the client's encoding cost is not part of what is measured.
public struct RemoteWriteWorkload: Sendable {
    /// Request bodies per worker, in the order the worker must send them.
    public let bodies: [[[UInt8]]]
    public let samplesPerRequest: Int

    public init(
        series: Int, workers: Int, samplesPerRequest: Int, requests: Int, start: Int64, interval: Int64,
        prefix: String = "bench"
    ) {
        precondition(series >= workers && workers > 0 && samplesPerRequest > 0)
        self.samplesPerRequest = samplesPerRequest
        var random = SplitMix64(seed: 7)
        let perWorker = series / workers
        var bodies: [[[UInt8]]] = []
        for worker in 0..<workers {
            let owned = (0..<perWorker).map { worker * perWorker + $0 }
            let labels = owned.map { id in
                [("__name__", "\(prefix)_metric_\(id % 10)"), ("instance", "host-\(id / 10):9100"), ("job", "bench")]
                    .map { name, value in Prometheus_Label.with { $0.name = name; $0.value = value } }
            }
            var values = owned.map { _ in Double(random.next() % 1000) }
            var step: Int64 = 0
            var requestsOfWorker: [[UInt8]] = []
            for _ in 0..<(requests / workers) {
                var request = Prometheus_WriteRequest()
                var series = labels.map { labels in Prometheus_TimeSeries.with { $0.labels = labels } }
                var count = 0
                while count < samplesPerRequest {
                    let timestampMs = (start + step * interval) / 1_000_000
                    for index in series.indices where count < samplesPerRequest {
                        // Counters that grow by a few per interval, like real request counters.
                        values[index] += Double(random.next() % 5)
                        series[index].samples.append(Prometheus_Sample.with {
                            $0.value = values[index]
                            $0.timestamp = timestampMs
                        })
                        count += 1
                    }
                    step += 1
                }
                request.timeseries = series.filter { !$0.samples.isEmpty }
                // Serializing a message built here from plain fields cannot fail.
                requestsOfWorker.append(Snappy.compress(try! request.serializedBytes()))
            }
            bodies.append(requestsOfWorker)
        }
        self.bodies = bodies
    }
}
