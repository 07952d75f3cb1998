import ArgumentParser
import LumenEngine
import LumenModel
import LumenQuery

/// `lumen-bench log-queries FILE` (Scripts/bench/log-queries.sh): a search and log metrics over synthetic log
/// lines stored as a service would send them, timed through `Storage` and `QueryEngine` as the server answers
/// them; each answer is printed in a form the chDB side compares with its own.
struct LogQueriesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-queries",
        abstract: "Store synthetic log lines in a block; time a log search and log metrics through the query engine.",
        discussion: """
            FILE holds lines as Scripts/bench/logs/synthetic.py writes them. Each becomes a record (time, severity, \
            service.name, trace ID, the message as body); the records go through a head into one block at \
            --level, opened as a store. Range queries step by a minute over whole minutes from the first line's; \
            each query runs once to warm up, then --passes times. Prints one JSON object: lines, bytes, the \
            range and step, and per query its text, best and median seconds and its answer (a search: lines and \
            newest time in ms; an instant sum: its value; a range: values by service and step index).
            """)

    @Argument(help: "A file of lines from Scripts/bench/logs/synthetic.py.")
    var file: String

    @Option(help: "The zstd level of the pages (9 as a head cut writes them, 19 as compaction rewrites them).")
    var level: Int32 = Zstd.compactionLevel

    @Option(help: "Timed runs of each query (the best and the median are reported).")
    var passes = 5

    private static let minute = 60 * Timestamp.nanosecondsPerSecond
    private static let hour = 60 * minute

    func run() throws {
        let records = try SyntheticLogLine.records(inFile: file)
        guard let first = records.map(\.time).min(), let last = records.map(\.time).max() else {
            throw ValidationError("\(file) holds no lines")
        }
        let head = Head()
        head.append(Batch(logs: records))
        let store = try ScratchStore([head.contents(of: .anonymous)], level: level)
        let engine = QueryEngine(store: store.storage)

        let start = first / Self.minute * Self.minute
        let end = start + (last - start + Self.minute - 1) / Self.minute * Self.minute
        let everything = "\((end - start) / Self.hour + 1)h"  // an instant range at `end` reaching before `start`
        let search = QueryWindow(start: start, end: end, step: nil)
        let perMinute = QueryWindow(start: start, end: end, step: Self.minute)
        let queries: [(name: String, text: String, window: QueryWindow)] = [
            ("search", #"{service="cart"} |= "timeout""#, search),
            ("count_card_expired", #"sum(count_over_time({service=~".+"} |= "card_expired" [\#(everything)]))"#,
                .instant(end)),
            ("count_rare", #"sum(count_over_time({service=~".+"} |= "user=4999" [\#(everything)]))"#, .instant(end)),
            ("errors_per_minute", #"sum by (service) (count_over_time({severity="error"}[1m]))"#, perMinute),
            ("timeout_rate", #"sum by (service) (rate({service=~".+"} |= "timeout" [1m]))"#, perMinute),
            ("bytes_per_minute", #"sum by (service) (bytes_over_time({service=~".+"}[1m]))"#, perMinute),
        ]
        var results: [[String: Any]] = []
        for query in queries {
            let timing = try BenchTiming(passes: passes) {
                try engine.execute(query.text, tenant: .anonymous, window: query.window)
            }
            results.append(timing.json.merging([
                "name": query.name, "query": query.text, "answer": Self.answer(timing.result, start: start),
            ]) { $1 })
        }
        try LumenBenchCommand.printJSON([
            "lines": records.count, "lumen_bytes": store.bytes(of: "logs"), "write_seconds": store.writeTime.seconds,
            "start_ms": start / 1_000_000, "end_ms": end / 1_000_000, "step_ms": Self.minute / 1_000_000,
            "queries": results,
        ])
    }

    /// A search as its line count and newest time (ms); an instant sum as its value (0 without lines); a
    /// range as values by service and by step index from `start`.
    private static func answer(_ result: QueryResult, start: Int64) -> [String: Any] {
        switch result {
        case .logs(let records):
            return ["lines": records.count, "newest_ms": (records.first?.time ?? 0) / 1_000_000]
        case .vector(let samples):
            return ["value": samples.first?.sample.value ?? 0]
        case .matrix(let series):
            var byService: [String: [String: Double]] = [:]
            for entry in series {
                for sample in entry.samples {
                    byService[entry.labels["service"] ?? "", default: [:]][String((sample.timestamp - start) / minute)] =
                        sample.value
                }
            }
            return ["series": byService]
        case .scalar, .string, .traces:
            return [:]
        }
    }
}
