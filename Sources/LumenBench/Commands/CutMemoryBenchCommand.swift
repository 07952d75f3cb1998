import ArgumentParser
import Foundation
import LumenEngine
import LumenLoad
import LumenModel
import Synchronization

/// `lumen-bench cut-memory`: the resident memory a head cut needs beside the head it writes. A server near its
/// memory ceiling must leave that much room (the admission gate counts a head being cut with its cut's working
/// memory), so this is what decides how big a head may grow under a ceiling (issue 22, item 6).
struct CutMemoryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cut-memory",
        abstract: "Fill a head with the shop workload, cut it into a block, report the cut's peak memory.",
        discussion: """
            Appends shop requests (spans and log records, as `lumen load` sends them) and --series series of one \
            sample per 100 requests until the head's own estimate reaches --head-mb, then writes it as a block \
            while a thread samples the resident set every millisecond. Prints one JSON object: the head's \
            estimate and resident growth, and the cut's peak above the resident set before it, also as a \
            multiple of the head's estimate. With --signal, only that signal is appended.
            """)

    @Option(help: "The head's estimated size to fill to, in MiB.")
    var headMb = 256

    @Option(help: "Series sampled beside the requests.")
    var series = 10_000

    @Option(help: "Only this signal: spans, logs or metrics (default: all three).")
    var signal: String?

    func run() throws {
        let directory = NSTemporaryDirectory() + "lumen-cut-memory-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let baseline = ResidentMemory.bytes()
        let head = fill()
        HeapAllocator.releaseFreeMemory()
        let beforeCut = ResidentMemory.bytes()

        let peak = PeakSampler()
        let started = ContinuousClock.now
        for tenant in head.tenants {
            _ = try BlockWriter().write(head.contents(of: tenant), into: directory, walSegmentsBefore: 0)
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let highest = peak.stop()

        let estimate = head.memory.bytes
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        let blockBytes = try files.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: directory + "/" + $1)[.size] as? Int) ?? 0)
        }
        try LumenBenchCommand.printJSON([
            "signal": signal ?? "all", "head_estimate_mb": Double(estimate) / 1_048_576,
            "head_resident_mb": Double(beforeCut - baseline) / 1_048_576,
            "cut_peak_above_head_mb": Double(highest - beforeCut) / 1_048_576,
            "cut_peak_per_head_estimate": Double(highest - beforeCut) / Double(estimate),
            "cut_seconds": seconds, "block_mb": Double(blockBytes) / 1_048_576,
        ])
        withExtendedLifetime(head) {}
    }

    /// A head of the shop workload's data, filled to `headMb` by its own estimate.
    private func fill() -> Head {
        let head = Head()
        let target = headMb * 1_048_576
        let start = Timestamp.now() - 3_600 * Timestamp.nanosecondsPerSecond
        let labels = (0..<series).map {
            Labels(["__name__": "cut_bench_samples", "instance": "host-\($0 % 100)", "series": "\($0)"])
        }
        var workload = ShopWorkload(seed: 7)
        var index = 0
        while head.memory.bytes < target {
            let time = start + Int64(index) * 1_000_000
            let request = workload.next(at: time)
            switch signal {
            case "spans": head.append(Batch(spans: request.spans))
            case "logs": head.append(Batch(logs: request.logs))
            case "metrics": break
            default: head.append(Batch(spans: request.spans, logs: request.logs))
            }
            if index % 100 == 0 && (signal == nil || signal == "metrics") {
                head.append(Batch(series: labels.map {
                    TimeSeries(labels: $0, samples: [Sample(timestamp: time, value: Double(index))])
                }))
            }
            index += 1
        }
        return head
    }
}

/// The highest resident set seen by a thread reading it every millisecond, from creation until `stop`.
private final class PeakSampler: Sendable {
    private let highest = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                highest.max(ResidentMemory.bytes())
                usleep(1_000)
            }
            finished.signal()
        }
        thread.start()
    }

    func stop() -> Int {
        running.store(false, ordering: .relaxed)
        finished.wait()
        highest.max(ResidentMemory.bytes())
        return highest.load(ordering: .relaxed)
    }
}

extension Atomic<Int> {
    fileprivate func max(_ value: Int) {
        var current = load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = compareExchange(expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
