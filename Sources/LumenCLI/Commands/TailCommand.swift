import ArgumentParser
import Foundation
import LumenModel
import LumenQuery

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow new log lines matching a log query, live, until Ctrl-C.",
        discussion: """
            lumen tail '{service="payment"} |= "declined"'
            lumen tail '{severity>="warn"} | json | status >= 500' --since 5m
            lumen tail '{service="cart"}' --output jsonl | jq .line

            --output csv prints the header once, then rows as lines arrive; json and jsonl both print one \
            object per line (a stream has no end to close an array at).
            """)

    @Argument(help: "A log query: a stream selector and its pipeline.")
    var query: String

    @Option(help: "Show lines from this far back first (e.g. 30s, 5m).")
    var since = "1m"

    @Option(help: "Ask for new lines this often (e.g. 1s, 500ms).")
    var every = "1s"

    @Option(help: "The most lines to take in one poll.")
    var limit = 1000

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if DurationText.parse(since) == nil { throw ValidationError("--since takes a duration like 1m") }
        if (DurationText.parse(every) ?? 0) <= 0 { throw ValidationError("--every takes a duration like 1s") }
        if limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let api = try client.client()
        let interval = DurationText.parse(every)!
        var follower = LogFollower(start: Timestamp.now() - DurationText.parse(since)!)
        let format = client.outputOptions.output
        if format == .csv { Self.write(QueryTable.records([]).csvHeader) }
        while !Task.isCancelled {
            let now = Timestamp.now()
            let parameters = [
                "query": query, "start": follower.queryStart.secondsText, "end": now.secondsText,
                "limit": String(limit),
            ]
            let data: Data
            do {
                data = try await api.get("lumen/v1/query", query: parameters)
            } catch let failure as APIClient.Failure {
                throw APIClient.Failure(description: QueryErrorCaret.render(query: query, message: failure.description))
            }
            let response = try JSONDecoder().decode(QueryResponse.self, from: data)
            guard response.kind == .logs else {
                throw ValidationError("lumen tail follows log queries; this query answers \(response.kind.rawValue)")
            }
            Self.write(Self.text(follower.fresh(response.logs ?? [], now: now), format: format))
            try await Task.sleep(for: .nanoseconds(interval))
        }
    }

    /// New lines as the format prints them: rows without a header for csv, an object a line for json and jsonl.
    static func text(_ records: [LogJSON], format: OutputOptions.Format) -> String {
        switch format {
        case .table: records.map { line($0) + "\n" }.joined()
        case .csv: QueryTable.records(records).csvRows
        case .json, .jsonl: QueryTable.records(records).jsonLines
        }
    }

    /// Written straight to the descriptor: a tail piped into grep must not wait for a buffer to fill.
    private static func write(_ text: String) {
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    private static func line(_ record: LogJSON) -> String {
        let text = record.record.line.replacingOccurrences(of: "\n", with: " ")
        return "\(QueryTable.clock(record.timeUnixNano))  \(record.service)  \(record.level)  \(text)"
    }
}

/// Which lines a tail has already shown. Each poll re-reads a few seconds before the last one, so that lines
/// which arrive late (ingest is acknowledged after the WAL) are not missed, and prints only lines not seen.
struct LogFollower {
    /// How far before the last poll each poll looks again.
    static let overlap: Int64 = 10 * Timestamp.nanosecondsPerSecond

    private(set) var queryStart: Int64
    private var seen: Set<String> = []
    private var seenTimes: [(time: Int64, key: String)] = []

    init(start: Int64) {
        queryStart = start
    }

    /// The lines not shown before, oldest first; moves the window on to `now − overlap`.
    mutating func fresh(_ records: [LogJSON], now: Int64) -> [LogJSON] {
        var result: [LogJSON] = []
        for record in records.sorted(by: { $0.timeUnixNano < $1.timeUnixNano }) {
            let key = "\(record.timeUnixNano)|\(record.service)|\(record.spanId ?? "")|\(record.record.line)"
            guard seen.insert(key).inserted else { continue }
            seenTimes.append((record.timeUnixNano, key))
            result.append(record)
        }
        queryStart = max(queryStart, now - Self.overlap)
        // Lines older than the window can't come back: forget them.
        seenTimes.removeAll { entry in
            guard entry.time < queryStart else { return false }
            seen.remove(entry.key)
            return true
        }
        return result
    }
}

extension Int64 {
    /// Nanoseconds as Unix seconds with nine decimals, as the API's time parameters take them.
    fileprivate var secondsText: String {
        let sign = self < 0 ? "-" : ""
        let magnitude = self.magnitude
        let fraction = String(magnitude % 1_000_000_000)
        return "\(sign)\(magnitude / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }
}
