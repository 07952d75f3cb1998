import Foundation
import LumenModel

/// Reads the lines `Scripts/bench/logs/synthetic.py` writes —
/// `2025-11-21T10:00:00.123Z INFO cart trace_id=<32 hex> message` — as the records a service would have sent
/// for them: the time from the line, the severity from the level, `service.name` from the service, the trace ID
/// in its field and the message as the body.
enum SyntheticLogLine {
    struct Error: Swift.Error, CustomStringConvertible {
        let line: Int
        var description: String { "line \(line) is not `TIME LEVEL service trace_id=<hex> message`" }
    }

    static func records(inFile path: String) throws -> [LogRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        var resources: [Substring: Resource] = [:]  // one per service, shared, as a batch decoder shares them
        var records: [LogRecord] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, let time = nanoseconds(fields[0]), let level = Severity.Level(name: String(fields[1])),
                fields[3].hasPrefix("trace_id="), let traceID = TraceID(hex: fields[3].dropFirst(9))
            else { throw Error(line: number + 1) }
            let service = fields[2]
            if resources[service] == nil {
                resources[service] = Resource(attributes: [Attribute(Resource.serviceNameKey, .string(String(service)))])
            }
            records.append(LogRecord(
                time: time, severity: Severity(level), body: .string(String(fields[4])), traceID: traceID,
                resource: resources[service]!))
        }
        return records
    }

    /// `2025-11-21T10:00:00.123Z`, UTC with milliseconds.
    private static func nanoseconds(_ text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[23] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millisecond = number(20..<23)
        else { return nil }
        return CivilCalendar.nanoseconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: millisecond * 1_000_000)
    }
}
