import ArgumentParser
import LumenEngine
import LumenModel
import LumenQuery

/// `lumen-bench span-queries` (Scripts/bench/span-queries.sh): span searches and the service graph over the
/// shop workload's spans in several blocks, timed through `Storage` and `QueryEngine` as the server answers
/// them; each answer is printed in a form the chDB side compares with its own.
struct SpanQueriesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "span-queries",
        abstract: "Write the shop workload's spans as blocks; time span searches and the service graph.",
        discussion: """
            Generates --spans spans (seeded, as `lumen load` sends them) in --blocks blocks of consecutive time, \
            opened as a store. Every search and the service graph cover the whole range; each runs once to warm \
            up, then --passes times. With --export, writes the spans as TSV (see `lumen-bench span-block`). \
            Prints one JSON object: spans, traces, the range, and per query its text, best and median seconds \
            and its answer (a search: the traces' IDs with their span counts; the graph: its edges and services \
            with calls and errors).
            """)

    @Option(help: "Spans to generate (about 11 per request).")
    var spans = 1_000_000

    @Option(help: "Blocks to split them into.")
    var blocks = 10

    @Option(help: "The zstd level of the pages (9 as a head cut writes them, 19 as compaction rewrites them).")
    var level: Int32 = Zstd.compactionLevel

    @Option(help: "Timed runs of each query (the best and the median are reported).")
    var passes = 5

    @Option(help: "Write the spans as TSV here, for chDB.")
    var export: String?

    static let searches: [(name: String, text: String)] = [
        ("slow_checkout", #"{service="checkout" && duration > 100ms}"#),
        ("errors", "{status=error}"),
        ("structural", #"{service="frontend"} >> {service="payment" && status=error}"#),
        ("aggregate", #"{service="cart"} | count() > 3"#),
    ]

    func run() throws {
        let shop = ShopSpans(count: spans)
        let store = try ScratchStore(shop.blocks(blocks), level: level)
        if let export { try shop.exportTSV(to: export) }
        let engine = QueryEngine(store: store.storage)
        let from = shop.spans.map(\.startTime).min()!
        let to = shop.spans.map(\.startTime).max()!

        var results: [[String: Any]] = []
        for search in Self.searches {
            let timing = try BenchTiming(passes: passes) {
                try engine.execute(search.text, tenant: .anonymous, window: QueryWindow(start: from, end: to, step: nil))
            }
            guard case .traces(let traces) = timing.result else { throw ValidationError("\(search.text) found no traces") }
            let answer = traces.map { ["trace_id": $0.traceID.hex, "spans": $0.spanCount] as [String: Any] }
            results.append(timing.json.merging(["name": search.name, "query": search.text, "answer": answer]) { $1 })
        }
        let graph = try BenchTiming(passes: passes) { try engine.serviceGraph(.anonymous, from: from, to: to) }
        results.append(graph.json.merging([
            "name": "service_graph", "query": "GET /lumen/v1/service-graph", "answer": Self.answer(graph.result),
        ]) { $1 })
        try LumenBenchCommand.printJSON([
            "spans": shop.spans.count, "traces": shop.traceIDs.count, "blocks": blocks,
            "lumen_bytes": store.bytes(of: "spans"), "write_seconds": store.writeTime.seconds,
            "from_ns": from, "to_ns": to, "queries": results,
        ])
    }

    /// Calls, errors and latency quantiles (ns) per edge `caller>callee` and per service.
    private static func answer(_ graph: ServiceCallGraph) -> [String: Any] {
        func figures(_ stats: CallStats) -> [String: Any] {
            ["calls": stats.calls, "errors": stats.errors, "p50_ns": stats.p50 * 1e9, "p95_ns": stats.p95 * 1e9,
             "p99_ns": stats.p99 * 1e9]
        }
        return [
            "edges": Dictionary(uniqueKeysWithValues: graph.edges.map { ("\($0.caller)>\($0.callee)", figures($0.stats)) }),
            "services": Dictionary(uniqueKeysWithValues: graph.services.map { ($0.service, figures($0.stats)) }),
        ]
    }
}
