import ArgumentParser
import Foundation
import LumenEngine
import LumenModel

/// `lumen-bench log-block FILE --word W` (Scripts/bench/logs.sh): stores a text file's lines as a block's log
/// part and reports its size against the raw text, and how fast a word is counted in it.
struct LogBlockBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-block",
        abstract: "Store a log file's lines as a block; report bytes per line and the time to count a word.",
        discussion: """
            Each line becomes a record of one stream, timed 1 ms apart in file order, its text the body verbatim. \
            Prints one JSON object: lines, raw bytes, the log part's bytes (pages and index), write seconds, \
            and the best of --passes counts of lines containing --word (page filters first, then a bytewise \
            substring test of each line of the pages left).
            """)

    @Argument(help: "A text file, one log line per line.")
    var file: String

    @Option(help: "The word to count lines of.")
    var word: String

    @Option(help: "The zstd level of the pages (9 as a head cut writes them, 19 as compaction rewrites them).")
    var level: Int32 = Zstd.compactionLevel

    @Option(help: "Timed search passes, after one to warm up (the best and the median are reported).")
    var passes = 5

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        let base = Timestamp.now()
        let resource = Resource(attributes: [Attribute(Resource.serviceNameKey, .string("bench"))])
        var contents = BlockContents(tenant: .anonymous)
        contents.logStreams = [(Labels(["service": "bench"]), lines.enumerated().map { index, line in
            LogRecord(time: base + Int64(index) * 1_000_000, body: .string(String(line)), resource: resource)
        })]
        let store = try ScratchStore([contents], level: level)
        let block = store.storage.blocks[0]
        let search = BenchTiming(passes: passes) {
            // Counted as `count_over_time({…} |= "word" […])` counts: the block's lines, no record built.
            store.storage.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [word], sizes: false)
                .reduce(0) { $0 + $1.times.count }
        }
        let report: [String: Any] = [
            "file": file, "lines": lines.count, "raw_bytes": data.count, "lumen_bytes": block.bytes(of: "logs"),
            "pages": block.meta.logs?.pages ?? 0, "level": level, "write_seconds": store.writeTime.seconds,
            "word": word, "count": search.result,
            "search_best_seconds": search.best.seconds, "search_median_seconds": search.median.seconds,
        ]
        try LumenBenchCommand.printJSON(report)
    }
}
