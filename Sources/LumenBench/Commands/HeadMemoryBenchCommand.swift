import ArgumentParser
import Foundation
import LumenEngine
import LumenLoad
import LumenModel

/// `lumen-bench head-memory`: what the head really costs per span, log record, series and sample (resident
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
        // Data is generated a little at a time straight into each head, so what the process grows by is what
        // the head keeps (values it shares with nothing else), not the generator's freed scratch.
        let start = Timestamp.now() - 3_600 * Timestamp.nanosecondsPerSecond
        var heads: [Head] = []  // kept alive, so no phase reuses memory an earlier one freed
        func measure(_ what: String, _ fill: (Head) -> Int) -> [String: Any] {
            let head = Head()
            heads.append(head)
            let before = ResidentMemory.bytes()
            let count = fill(head)
            let grown = ResidentMemory.bytes() - before
            return ["what": what, "count": count, "measured_bytes_each": Double(grown) / Double(count),
                    "estimated_bytes_each": Double(head.memory.bytes) / Double(count)]
        }
        func shop(_ head: Head, _ part: (ShopRequest) -> Batch) -> Int {
            var workload = ShopWorkload(seed: 7)
            var count = 0
            for index in 0..<requests {
                let batch = part(workload.next(at: start + Int64(index) * 1_000_000))
                count += batch.spans.count + batch.logs.count
                head.append(batch)
            }
            return count
        }
        let labels = (0..<series).map {
            Labels(["__name__": "bench_metric", "instance": "host-\($0 % 1000)", "path": "/api/\($0)"])
        }
        var results = [
            measure("span") { head in shop(head) { Batch(spans: $0.spans) } },
            measure("log record") { head in shop(head) { Batch(logs: $0.logs) } },
            measure("series (one sample)") { head in
                for chunk in stride(from: 0, to: series, by: 1000) {
                    head.append(Batch(series: labels[chunk..<min(chunk + 1000, series)].map {
                        TimeSeries(labels: $0, samples: [Sample(timestamp: start, value: 1)])
                    }))
                }
                return series
            },
        ]
        // Samples: added to the last head's series a scrape at a time.
        let head = heads.last!
        let before = ResidentMemory.bytes()
        let estimateBefore = head.memory.bytes
        for step in 1...samplesPerSeries {
            for chunk in stride(from: 0, to: series, by: 1000) {
                head.append(Batch(series: labels[chunk..<min(chunk + 1000, series)].map {
                    TimeSeries(labels: $0, samples: [Sample(timestamp: start + Int64(step) * 15_000_000_000, value: Double(step))])
                }))
            }
        }
        let samples = series * samplesPerSeries
        results.append([
            "what": "sample", "count": samples,
            "measured_bytes_each": Double(ResidentMemory.bytes() - before) / Double(samples),
            "estimated_bytes_each": Double(head.memory.bytes - estimateBefore) / Double(samples),
        ])
        for result in results {
            try LumenBenchCommand.printJSON(result)
        }
    }
}
