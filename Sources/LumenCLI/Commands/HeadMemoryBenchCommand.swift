import ArgumentParser
import Foundation
import LumenEngine
import LumenLoad
import LumenModel

/// `lumen bench head-memory`: what the head really costs per span, log record, series and sample (resident
/// memory grown while appending each kind alone), beside the estimate it reports (`Head.memory`), which
/// decides when it is cut into blocks.
struct HeadMemoryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head-memory",
        abstract: "Measure head bytes per span, log record, series and sample against the head's own estimate.")

    @Option(help: "Shop requests to generate (about 9 spans and 5 log records each).")
    var requests = 50_000

    @Option(help: "Series to create, and samples to add to each.")
    var series = 100_000

    @Option(name: .customLong("samples-per-series"))
    var samplesPerSeries = 100

    func run() throws {
        var workload = ShopWorkload(seed: 7)
        let start = Timestamp.now() - 3_600 * Timestamp.nanosecondsPerSecond
        let generated = (0..<requests).map { workload.next(at: start + Int64($0) * 1_000_000) }
        var spans = Batch()
        var logs = Batch()
        for request in generated {
            spans.spans += request.spans
            logs.logs += request.logs
        }
        let labels = (0..<series).map {
            Labels(["__name__": "bench_metric", "instance": "host-\($0 % 1000)", "path": "/api/\($0)"])
        }
        var heads: [Head] = []  // kept alive, so no phase reuses memory an earlier one freed
        func measure(_ what: String, count: Int, _ body: (Head) -> Void) -> [String: Any] {
            let head = Head()
            heads.append(head)
            let before = ResidentMemory.bytes()
            body(head)
            let grown = ResidentMemory.bytes() - before
            return ["what": what, "count": count, "measured_bytes_each": Double(grown) / Double(count),
                    "estimated_bytes_each": Double(head.memory.bytes) / Double(count)]
        }
        let results = [
            measure("span", count: spans.spans.count) { $0.append(spans) },
            measure("log record", count: logs.logs.count) { $0.append(logs) },
            measure("series (one sample)", count: series) { head in
                head.append(Batch(series: labels.map { TimeSeries(labels: $0, samples: [Sample(timestamp: start, value: 1)]) }))
            },
        ]
        // Samples: measured on the last head's series, added a step at a time as scrapes add them.
        let head = heads.last!
        let beforeSamples = ResidentMemory.bytes()
        let estimateBefore = head.memory.bytes
        for step in 1...samplesPerSeries {
            head.append(Batch(series: labels.map {
                TimeSeries(labels: $0, samples: [Sample(timestamp: start + Int64(step) * 15_000_000_000, value: Double(step))])
            }))
        }
        let sampleCount = series * samplesPerSeries
        let samples: [String: Any] = [
            "what": "sample", "count": sampleCount,
            "measured_bytes_each": Double(ResidentMemory.bytes() - beforeSamples) / Double(sampleCount),
            "estimated_bytes_each": Double(head.memory.bytes - estimateBefore) / Double(sampleCount),
        ]
        for result in results + [samples] {
            let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }
    }
}
