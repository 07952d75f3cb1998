import LumenModel

/// The bytes a node answers a `RemoteRead` with:
///
/// ```
/// ┌─────────┬──────┬──────────────────────────────────────────────────────────────────────────┐
/// │ version │ kind │ body                                                                     │
/// │ 1 byte  │ 1    │ series, logs, spans: a WAL batch record (docs/format/wal.md) holding them │
/// │         │      │ strings: uvarint count, then each a uvarint length and UTF-8 bytes       │
/// │         │      │ lines: uvarint streams; each: uvarint labels, name and value strings,    │
/// │         │      │        uvarint times, varint deltas from the previous time (first from 0),│
/// │         │      │        uvarint sizes, uvarint each                                       │
/// │         │      │ over limit: uvarint limit                                                │
/// └─────────┴──────┴──────────────────────────────────────────────────────────────────────────┘
/// ```
/// Decoding checks every bound (`ByteReader`): a damaged answer is an error, never a crash.
extension RemoteAnswer {
    static let version: UInt8 = 1

    private enum Kind: UInt8 {
        case series = 0, strings = 1, logs = 2, lines = 3, spans = 4, overLimit = 5
    }

    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version]
        switch self {
        case .series(let series):
            bytes.append(Kind.series.rawValue)
            bytes += BatchRecord.encode(Batch(series: series))
        case .strings(let strings):
            bytes.append(Kind.strings.rawValue)
            bytes.appendUVarint(UInt64(strings.count))
            for string in strings { bytes.appendString(string) }
        case .logs(let logs):
            bytes.append(Kind.logs.rawValue)
            bytes += BatchRecord.encode(Batch(logs: logs))
        case .lines(let streams):
            bytes.append(Kind.lines.rawValue)
            bytes.appendUVarint(UInt64(streams.count))
            for stream in streams {
                bytes.appendUVarint(UInt64(stream.labels.labels.count))
                for label in stream.labels.labels {
                    bytes.appendString(label.name)
                    bytes.appendString(label.value)
                }
                bytes.appendUVarint(UInt64(stream.times.count))
                var previous: Int64 = 0
                for time in stream.times {
                    bytes.appendVarint(time &- previous)
                    previous = time
                }
                bytes.appendUVarint(UInt64(stream.sizes.count))
                for size in stream.sizes { bytes.appendUVarint(UInt64(max(size, 0))) }
            }
        case .spans(let spans):
            bytes.append(Kind.spans.rawValue)
            bytes += BatchRecord.encode(Batch(spans: spans))
        case .overLimit(let limit):
            bytes.append(Kind.overLimit.rawValue)
            bytes.appendUVarint(UInt64(max(limit, 0)))
        }
        return bytes
    }

    public init(encoded bytes: [UInt8]) throws(BatchRecordError) {
        guard bytes.count >= 2 else { throw BatchRecordError(offset: 0, message: "a read answer needs 2 bytes") }
        guard bytes[0] == Self.version else {
            throw BatchRecordError(offset: 0, message: "unsupported read answer version \(bytes[0])")
        }
        guard let kind = Kind(rawValue: bytes[1]) else {
            throw BatchRecordError(offset: 1, message: "unknown read answer kind \(bytes[1])")
        }
        let body = Array(bytes[2...])
        switch kind {
        case .series: self = .series(try BatchRecord.decode(body).series)
        case .logs: self = .logs(try BatchRecord.decode(body).logs)
        case .spans: self = .spans(try BatchRecord.decode(body).spans)
        case .strings, .lines, .overLimit:
            do {
                self = try body.withUnsafeBufferPointer { buffer in
                    var reader = ByteReader(buffer, base: 2)
                    let answer = try Self.decode(kind, &reader)
                    guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes after the answer") }
                    return answer
                }
            } catch let error as BatchRecordError {
                throw error
            } catch {
                throw BatchRecordError(offset: 2, message: "\(error)")
            }
        }
    }

    private static func decode(_ kind: Kind, _ reader: inout ByteReader) throws(BatchRecordError) -> RemoteAnswer {
        switch kind {
        case .strings:
            var strings: [String] = []
            for _ in 0..<(try reader.count("strings")) { strings.append(try reader.string("string")) }
            return .strings(strings)
        case .lines:
            var streams: [LogStreamLines] = []
            for _ in 0..<(try reader.count("streams", minimumSize: 3)) {
                var labels: [Label] = []
                for _ in 0..<(try reader.count("labels", minimumSize: 2)) {
                    labels.append(Label(try reader.string("label name"), try reader.string("label value")))
                }
                var stream = LogStreamLines(labels: Labels(labels))
                var previous: Int64 = 0
                for _ in 0..<(try reader.count("times")) {
                    previous = previous &+ (try reader.varint("time"))
                    stream.times.append(previous)
                }
                for _ in 0..<(try reader.count("sizes")) { stream.sizes.append(try reader.int("size")) }
                streams.append(stream)
            }
            return .lines(streams)
        case .overLimit:
            return .overLimit(try reader.int("limit"))
        case .series, .logs, .spans:
            throw reader.error("not a field-coded answer")
        }
    }
}
