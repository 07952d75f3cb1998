import Foundation
import LumenModel
@testable import LumenEngine

/// A small, fixed set of series for block tests, and scratch directories to write blocks into.
enum MetricBlockFixtures {
    static let t0: Int64 = 1_763_700_000_000 * Timestamp.nanosecondsPerMillisecond
    static let second = Timestamp.nanosecondsPerSecond

    static func series(_ name: String, _ labels: KeyValuePairs<String, String>, values: [Double], step: Int64 = second)
        -> (labels: Labels, samples: [Sample])
    {
        let all = [Label(Labels.metricName, name)] + labels.map { Label($0.key, $0.value) }
        return (Labels(all), values.enumerated().map { Sample(timestamp: t0 + Int64($0.offset) * step, value: $0.element) })
    }

    /// Three metrics over two jobs; one series lacks the `mode` label, one holds a stale marker.
    static let small: [(labels: Labels, samples: [Sample])] = [
        series("node_cpu_seconds_total", ["job": "node", "cpu": "0", "mode": "idle"], values: [10, 10.5, 11, 11.5, 12]),
        series("node_cpu_seconds_total", ["job": "node", "cpu": "0", "mode": "user"], values: [1.25, 1.5, 1.5, 2, 2.25]),
        series("node_cpu_seconds_total", ["job": "node", "cpu": "1", "mode": "idle"], values: [20, 20.5, 21, 21.5, 22]),
        series("up", ["job": "node"], values: [1, 1, 1, 1, 1]),
        series("up", ["job": "prometheus"], values: [1, 1, Double(bitPattern: Sample.staleMarkerBits), 1, 1]),
        series("process_resident_memory_bytes", ["job": "prometheus"], values: [4.2e7, 4.3e7, 4.1e7, 4.4e7, 4.0e7]),
    ]

    /// A fixed ID so golden files are reproducible.
    static let fixedID = BlockID(milliseconds: 1_763_700_000_000, randomHigh: 0x1234, randomLow: 0x5678_9abc_def0_1234)

    /// A fresh empty directory, removed by the caller with `FileManager.removeItem`.
    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "lumen-block-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
