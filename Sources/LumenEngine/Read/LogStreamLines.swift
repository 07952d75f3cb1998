import LumenModel

/// The lines of one log stream that a metric over logs counts, reduced to what it needs: each line's time and its
/// size in bytes. Reading these rather than whole records is what lets `count_over_time`, `rate` and
/// `bytes_over_time` of a query without parsers skip building records.
public struct LogStreamLines: Sendable, Equatable {
    public let labels: Labels
    /// Nanoseconds since the epoch, in no particular order.
    public var times: [Int64] = []
    /// UTF-8 bytes of each line, by the same index as `times`; empty when the read did not ask for sizes.
    public var sizes: [Int] = []

    public init(labels: Labels) {
        self.labels = labels
    }

    mutating func append(time: Int64, size: Int?) {
        times.append(time)
        if let size { sizes.append(size) }
    }

    /// The lines of `records` in the request's range that contain every `lineContains` string, by stream.
    static func of(_ records: some Sequence<LogRecord>, _ request: ReadRequest, sizes: Bool) -> [LogStreamLines] {
        let needles = request.needles
        var result: [LogStreamLines] = []
        var positions: [Labels: Int] = [:]
        for record in records where record.time >= request.from && record.time <= request.to {
            let line = record.line
            guard needles.allSatisfy({ LineSearch.contains(line, $0) }) else { continue }
            let labels = record.streamLabels
            let position: Int
            if let known = positions[labels] {
                position = known
            } else {
                position = result.count
                positions[labels] = position
                result.append(LogStreamLines(labels: labels))
            }
            result[position].append(time: record.time, size: sizes ? line.utf8.count : nil)
        }
        return result
    }

    /// `lines` with the streams of equal labels (read from several sources) joined.
    static func merged(_ lines: [LogStreamLines]) -> [LogStreamLines] {
        var result: [LogStreamLines] = []
        var positions: [Labels: Int] = [:]
        for stream in lines where !stream.times.isEmpty {
            if let position = positions[stream.labels] {
                result[position].times += stream.times
                result[position].sizes += stream.sizes
            } else {
                positions[stream.labels] = result.count
                result.append(stream)
            }
        }
        return result
    }
}
