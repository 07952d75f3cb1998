import LumenModel

/// One tenant's log records in memory, grouped into streams by resource and severity (as Loki groups by labels),
/// so a stream selector prunes whole streams before any line is read.
struct LogHead {
    struct Stream {
        let labels: Labels
        var records: [LogRecord] = []
    }

    /// Where a record lives: stream and position.
    struct Reference: Hashable {
        let stream: Int
        let index: Int
    }

    private(set) var streams: [Stream] = []
    private var idByLabels: [Labels: Int] = [:]
    private var postings = Postings()
    private var byTrace: [TraceID: [Reference]] = [:]
    /// Where the first record of each (stream, time, body) is, by the hash of the three: a retried delivery
    /// whose acknowledgement was lost is stored once, as Loki drops a line equal in stream, time and text. A hash
    /// shared by two different records keeps both (the second is only not looked up as a duplicate later).
    private var firstByFingerprint: [Int: Reference] = [:]
    private(set) var recordCount = 0

    func contains(_ labels: Labels) -> Bool { idByLabels[labels] != nil }

    mutating func append(_ record: LogRecord, report: inout AppendReport) {
        let labels = record.streamLabels
        let id: Int
        if let existing = idByLabels[labels] {
            id = existing
        } else {
            id = streams.count
            streams.append(Stream(labels: labels))
            idByLabels[labels] = id
            postings.add(id: id, labels: labels)
        }
        let reference = Reference(stream: id, index: streams[id].records.count)
        var hasher = Hasher()
        hasher.combine(id)
        hasher.combine(record.time)
        hasher.combine(record.body)
        let fingerprint = hasher.finalize()
        if let first = firstByFingerprint[fingerprint] {
            let stored = streams[first.stream].records[first.index]
            if first.stream == id && stored.time == record.time && stored.body == record.body {
                report.duplicateLogs += 1
                return
            }
        } else {
            firstByFingerprint[fingerprint] = reference
        }
        if let traceID = record.traceID { byTrace[traceID, default: []].append(reference) }
        streams[id].records.append(record)
        recordCount += 1
        report.logs += 1
    }

    /// IDs (positions in `streams`) of the streams every matcher selects.
    func select(_ matchers: [LabelMatcher]) -> [Int] { postings.select(matchers) }

    /// Each selected stream's lines in `[from, to]` that contain every one of `needles`, with their sizes if
    /// `sizes`.
    func lines(_ matchers: [LabelMatcher], from: Int64, to: Int64, needles: [[UInt8]], sizes: Bool)
        -> [LogStreamLines]
    {
        postings.select(matchers).map { id in
            var lines = LogStreamLines(labels: streams[id].labels)
            let records = streams[id].records
            // By index, so that a record is only borrowed, never copied.
            for index in records.indices where records[index].time >= from && records[index].time <= to {
                let line = records[index].line
                if needles.allSatisfy({ LineSearch.contains(line, $0) }) {
                    lines.append(time: records[index].time, size: sizes ? line.utf8.count : nil)
                }
            }
            return lines
        }
    }

    func records(of traceID: TraceID) -> [LogRecord] {
        (byTrace[traceID] ?? []).map { streams[$0.stream].records[$0.index] }.sorted { $0.time < $1.time }
    }

    func labelNames() -> [String] { postings.labelNames }
    func labelValues(_ name: String) -> [String] { postings.labelValues(name) }
}
