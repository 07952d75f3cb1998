import ArgumentParser
import Foundation
import LumenEngine
import LumenLoad
import LumenModel

/// `lumen bench span-block` (Scripts/bench/spans.sh): the shop workload's spans written as several blocks;
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
        var workload = ShopWorkload(seed: 42)
        let start = Timestamp.now() - 3_600 * Timestamp.nanosecondsPerSecond
        var generated: [Span] = []
        var traceIDs: [TraceID] = []
        while generated.count < spans {
            let request = workload.next(at: start + Int64(generated.count) * 1_000_000)
            generated += request.spans
            traceIDs.append(request.traceID)
        }
        let scratch = NSTemporaryDirectory() + "lumen-span-bench-\(UUID())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let perBlock = (generated.count + blocks - 1) / blocks
        var opened: [Block] = []
        let writeStarted = ContinuousClock.now
        for index in stride(from: 0, to: generated.count, by: perBlock) {
            var contents = BlockContents(tenant: .anonymous)
            contents.spans = Array(generated[index..<min(index + perBlock, generated.count)])
            let meta = try BlockWriter(compressionLevel: level).write(contents, into: scratch, walSegmentsBefore: 0)
            opened.append(try Block(directory: scratch + "/" + meta.id))
        }
        let writeTime = ContinuousClock.now - writeStarted

        var random = SystemRandomNumberGenerator()
        var latencies: [Duration] = []
        for _ in 0..<lookups {
            let wanted = traceIDs.randomElement(using: &random)!
            let started = ContinuousClock.now
            var found = 0
            for block in opened { found += try block.spans(of: wanted).count }
            latencies.append(ContinuousClock.now - started)
            guard found > 0 else { throw ValidationError("trace \(wanted) not found") }
        }
        latencies.sort()

        let decodeStarted = ContinuousClock.now
        var decoded = 0
        for block in opened {
            decoded += try block.spansStarting(from: .min, to: .max).count
        }
        let decodeTime = ContinuousClock.now - decodeStarted

        if let export { try exportTSV(generated, to: export) }
        let bytes = opened.reduce(0) { $0 + $1.bytes(of: "spans") }
        // Where the bytes go, measured on the first block (its spans are like the others').
        let firstBlock = Array(generated.prefix(perBlock))
        let columns = SpanPartWriter.columnSizes(firstBlock, level: level).mapValues {
            Double($0) / Double(firstBlock.count)
        }
        let report: [String: Any] = [
            "spans": generated.count, "traces": traceIDs.count, "blocks": opened.count, "lumen_bytes": bytes,
            "bytes_per_span": Double(bytes) / Double(generated.count), "write_seconds": writeTime.seconds,
            "lookup_p50_ms": latencies[latencies.count / 2].seconds * 1000,
            "lookup_p99_ms": latencies[latencies.count * 99 / 100].seconds * 1000,
            "decode_spans_per_second": Double(decoded) / decodeTime.seconds, "column_bytes_per_span": columns,
        ]
        try BenchCommand.printJSON(report)
    }

    private func exportTSV(_ spans: [Span], to path: String) throws {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
        var out = ""
        out.reserveCapacity(spans.count * 200)
        for span in spans {
            let attributes = "{" + span.attributes.map { "\"\(escape($0.key))\":\"\(escape($0.value.text))\"" }
                .joined(separator: ",") + "}"
            let fields = [
                span.traceID.description, span.spanID.description, span.parentSpanID?.description ?? "",
                escape(span.serviceName), escape(span.name), String(span.kind.rawValue),
                String(span.status.code.rawValue), String(span.startTime), String(span.duration), attributes,
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        try out.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
