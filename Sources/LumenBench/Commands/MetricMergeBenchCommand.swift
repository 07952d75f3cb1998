import ArgumentParser
import Foundation
import LumenEngine
import LumenModel

/// `lumen-bench metric-merge generate|whole|streamed DIR` (Scripts/bench/metric-merge.sh): the memory of a
/// compaction of metric blocks, the old way (every source decoded whole, then written again) against the
/// streamed merge compaction now uses (`BlockMerge`). Each step runs in a process of its own, so the peak resident
/// memory it prints (`ru_maxrss`) is that step's.
struct MetricMergeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metric-merge",
        abstract: "Generate metric blocks, or merge them the whole way or the streamed way; print time and peak RSS.",
        discussion: """
            `generate` writes BLOCKS blocks of SERIES series × SAMPLES samples (15 s apart) into DIR/blocks: \
            `--layout adjacent` gives each block its own time range (a merge copies every chunk), `interleaved` \
            gives them all the same range, each block's samples a second after the previous block's (every chunk \
            overlaps: the merge decodes and re-encodes all). `whole` and `streamed` merge DIR/blocks into \
            DIR/merged-<way> and print one JSON line.
            """)

    enum Step: String, ExpressibleByArgument { case generate, whole, streamed }
    enum Layout: String, ExpressibleByArgument { case adjacent, interleaved }

    @Argument(help: "generate, whole or streamed.")
    var step: Step

    @Argument(help: "The working directory.")
    var directory: String

    @Option(help: "Blocks to generate.")
    var blocks = 4

    @Option(help: "Series a block.")
    var series = 10_000

    @Option(help: "Samples a series in a block.")
    var samples = 720

    @Option(help: "adjacent or interleaved.")
    var layout = Layout.interleaved

    func run() throws {
        let start = Date()
        let blocksDirectory = directory + "/blocks"
        var result: [String: Any] = ["step": step.rawValue]
        switch step {
        case .generate:
            try FileManager.default.createDirectory(atPath: blocksDirectory, withIntermediateDirectories: true)
            var random = SplitMix64(seed: 6)
            let step: Int64 = 15_000_000_000
            let base: Int64 = 1_763_700_000_000_000_000
            for block in 0..<blocks {
                let first = layout == .adjacent ? base + Int64(block * samples) * step : base + Int64(block) * 1_000_000_000
                var contents = BlockContents(tenant: .anonymous)
                contents.series = (0..<series).map { index in
                    let labels = Labels([
                        Label(Labels.metricName, "http_requests_total"), Label("instance", "host-\(index % 100)"),
                        Label("path", "/api/\(index / 100)"),
                    ])
                    var value = Double(random.next() % 1000)
                    return (labels, (0..<samples).map { offset in
                        value += Double(random.next() % 20)
                        return Sample(timestamp: first + Int64(offset) * step, value: value)
                    })
                }
                _ = try BlockWriter().write(contents, into: blocksDirectory, walSegmentsBefore: 0)
            }
            result["blocks"] = blocks
            result["samples"] = blocks * series * samples
        case .whole, .streamed:
            let run = try FileManager.default.contentsOfDirectory(atPath: blocksDirectory).sorted()
                .map { try Block(directory: blocksDirectory + "/" + $0) }
            let output = directory + "/merged-" + step.rawValue
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let merged: MetricPartMeta.Stats
            if step == .whole {
                // What compaction did before: every source's series decoded, then written again in one go.
                var all: [(labels: Labels, samples: [Sample])] = []
                for block in run {
                    let reader = try MetricPartReader(directory: block.directory + "/" + MetricPart.directoryName)
                    all += try reader.series(matching: [], from: .min, to: .max).map { ($0.labels, $0.samples) }
                }
                merged = try MetricPartWriter().write(all, to: output + "/" + MetricPart.directoryName).stats
            } else {
                merged = try BlockMerge.write(run, into: output).meta.metrics!
            }
            result["series"] = merged.series
            result["samples"] = merged.samples
            result["chunks"] = merged.chunks
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        result["peak_rss_mb"] = Int(usage.ru_maxrss) / 1024
        result["seconds"] = (Date().timeIntervalSince(start) * 100).rounded() / 100
        try LumenBenchCommand.printJSON(result)
    }
}
