import ArgumentParser
import LumenEngine
import LumenLoad
import LumenModel

/// `lumen-bench span-block` (Scripts/bench/spans.sh): the shop workload's spans written as several blocks;
/// reports bytes per span (and per column), trace-by-ID latency across all the blocks and decode throughput, and
/// exports the same spans as TSV for a side-by-side table elsewhere.
struct SpanBlockBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "span-block",
        abstract: "Write the shop workload's spans as blocks; report bytes/span, trace lookup p50/p99, decode speed.",
        discussion: """
            Generates --spans spans (seeded, as `lumen load` sends them) in --blocks blocks of consecutive time, \
            then looks up --lookups random trace IDs, each in every block as a query by ID does. With --export, \
            writes trace_id, span_id, parent_span_id, service, name, kind, status, start_ns, duration_ns and \
            attributes (JSON) as TSV. Prints one JSON object.
            """)

    @Option(help: "Spans to generate (about 9 per request).")
    var spans = 1_000_000

    @Option(help: "Blocks to split them into.")
    var blocks = 10

    @Option(help: "Trace lookups to time.")
    var lookups = 2_000

    @Option(help: "The zstd level of the pages (9 as a head cut writes them, 19 as compaction rewrites them).")
    var level: Int32 = Zstd.compactionLevel

    @Option(help: "Write the spans as TSV here, for chDB.")
    var export: String?

    func run() throws {
        let shop = ShopSpans(count: spans)
        let store = try ScratchStore(shop.blocks(blocks), level: level)
        let opened = store.storage.blocks

        var random = SystemRandomNumberGenerator()
        var latencies: [Duration] = []
        for _ in 0..<lookups {
            let wanted = shop.traceIDs.randomElement(using: &random)!
            let started = ContinuousClock.now
            var found = 0
            for block in opened { found += try block.spans(of: wanted).count }
            latencies.append(ContinuousClock.now - started)
            guard found > 0 else { throw ValidationError("trace \(wanted) not found") }
        }
        latencies.sort()

        // Pages decode on every core at once, so the rate per core divides by CPU time, not wall time.
        let decodeStarted = ProcessCPUTime.seconds()
        var decoded = 0
        for block in opened {
            decoded += try block.spansStarting(from: .min, to: .max).count
        }
        let decodeCPUSeconds = ProcessCPUTime.seconds() - decodeStarted

        if let export { try shop.exportTSV(to: export) }
        let bytes = store.bytes(of: "spans")
        // Where the bytes go, measured on the first block (its spans are like the others').
        let firstBlock = Array(shop.spans.prefix((shop.spans.count + blocks - 1) / blocks))
        let columns = SpanPartWriter.columnSizes(firstBlock, level: level).mapValues {
            Double($0) / Double(firstBlock.count)
        }
        let report: [String: Any] = [
            "spans": shop.spans.count, "traces": shop.traceIDs.count, "blocks": opened.count, "lumen_bytes": bytes,
            "bytes_per_span": Double(bytes) / Double(shop.spans.count), "write_seconds": store.writeTime.seconds,
            "lookup_p50_ms": latencies[latencies.count / 2].seconds * 1000,
            "lookup_p99_ms": latencies[latencies.count * 99 / 100].seconds * 1000,
            "decode_spans_per_cpu_second": Double(decoded) / decodeCPUSeconds, "column_bytes_per_span": columns,
        ]
        try LumenBenchCommand.printJSON(report)
    }
}
