import LumenModel

/// The bytes a node replies to a `RemoteRead` with:
///
/// ```
/// ┌─────────┬──────┬───────┬──────────┬─────────────────────────────────────────────────────────────────────────┐
/// │ version │ kind │ flags │ warnings │ body                                                                    │
/// │ 1 byte  │ 1    │ 1     │          │ series, logs, spans: a WAL batch record (docs/format/wal.md) of them    │
/// │ (2)     │      │ bit 0:│ uvarint  │ strings: uvarint count, then each a uvarint length and UTF-8 bytes      │
/// │         │      │ more  │ count,   │ lines: uvarint streams; each: uvarint labels, name and value strings,   │
/// │         │      │       │ then     │        uvarint times, varint deltas from the previous time (first from │
/// │         │      │       │ strings  │        0), uvarint sizes, uvarint each                                  │
/// │         │      │       │          │ over limit: uvarint limit                                               │
/// └─────────┴──────┴───────┴──────────┴─────────────────────────────────────────────────────────────────────────┘
/// ```
/// A string is a uvarint length and UTF-8 bytes. Decoding checks every bound (`ByteReader`): a damaged reply is
/// an error, never a crash. Version 1 (before warnings and paging) had neither flags nor warnings.
extension RemoteReply {
    static let version: UInt8 = 2

    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version, answer.kind.rawValue, more ? 1 : 0]
        bytes.appendUVarint(UInt64(warnings.count))
        for warning in warnings { bytes.appendString(warning) }
        answer.encodeBody(into: &bytes)
        return bytes
    }

    public init(encoded bytes: [UInt8]) throws(BatchRecordError) {
        guard bytes.count >= 4 else { throw BatchRecordError(offset: 0, message: "a read reply needs 4 bytes") }
        guard bytes[0] == Self.version else {
            throw BatchRecordError(offset: 0, message: "unsupported read reply version \(bytes[0])")
        }
        guard let kind = RemoteAnswer.Kind(rawValue: bytes[1]) else {
            throw BatchRecordError(offset: 1, message: "unknown read answer kind \(bytes[1])")
        }
        guard bytes[2] <= 1 else { throw BatchRecordError(offset: 2, message: "unknown read reply flags \(bytes[2])") }
        let warnings: [String]
        let bodyStart: Int
        do {
            (warnings, bodyStart) = try bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(UnsafeBufferPointer(rebasing: buffer[3...]), base: 3)
                var warnings: [String] = []
                for _ in 0..<(try reader.count("warnings")) { warnings.append(try reader.string("warning")) }
                return (warnings, 3 + reader.offset)
            }
        } catch let error as BatchRecordError {
            throw error
        } catch {
            throw BatchRecordError(offset: 3, message: "\(error)")
        }
        self.init(
            try RemoteAnswer(kind: kind, body: Array(bytes[bodyStart...]), base: bodyStart), warnings: warnings,
            more: bytes[2] == 1)
    }
}

extension RemoteAnswer {
    enum Kind: UInt8 {
        case series = 0, strings = 1, logs = 2, lines = 3, spans = 4, overLimit = 5
    }

    var kind: Kind {
        switch self {
        case .series: .series
        case .strings: .strings
        case .logs: .logs
        case .lines: .lines
        case .spans: .spans
        case .overLimit: .overLimit
        }
    }

    func encodeBody(into bytes: inout [UInt8]) {
        switch self {
        case .series(let series):
            bytes += BatchRecord.encode(Batch(series: series))
        case .strings(let strings):
            bytes.appendUVarint(UInt64(strings.count))
            for string in strings { bytes.appendString(string) }
        case .logs(let logs):
            bytes += BatchRecord.encode(Batch(logs: logs))
        case .lines(let streams):
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
            bytes += BatchRecord.encode(Batch(spans: spans))
        case .overLimit(let limit):
            bytes.appendUVarint(UInt64(max(limit, 0)))
        }
    }

    /// The answer of `kind` in `body`, which starts at byte `base` of the reply (errors name reply offsets).
    init(kind: Kind, body: [UInt8], base: Int) throws(BatchRecordError) {
        switch kind {
        case .series: self = .series(try BatchRecord.decode(body).series)
        case .logs: self = .logs(try BatchRecord.decode(body).logs)
        case .spans: self = .spans(try BatchRecord.decode(body).spans)
        case .strings, .lines, .overLimit:
            do {
                self = try body.withUnsafeBufferPointer { buffer in
                    var reader = ByteReader(buffer, base: base)
                    let answer = try Self.decode(kind, &reader)
                    guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes after the answer") }
                    return answer
                }
            } catch let error as BatchRecordError {
                throw error
            } catch {
                throw BatchRecordError(offset: base, message: "\(error)")
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
