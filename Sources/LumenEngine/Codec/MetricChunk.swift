import LumenModel

/// A compressed run of one series' samples: the encoded bytes (`docs/format/chunks.md`) and what an index
/// needs without decoding them — first and last time, sample count and the encodings chosen.
///
/// Immutable and `Sendable`; iterate with `makeIterator()`, which decodes lazily. Chunks from disk are
/// validated up to their header by `init(bytes:)`; damage further in surfaces as a `ChunkError` while
/// iterating, never as a crash.
public struct MetricChunk: Hashable, Sendable {
    public let bytes: [UInt8]
    /// Timestamp of the first sample (the smallest, as samples are in time order).
    public let minTime: Int64
    /// Timestamp of the last sample.
    public let maxTime: Int64
    public let count: Int
    public let timeUnit: ChunkFormat.TimeUnit
    public let timeEncoding: ChunkFormat.TimeEncoding
    public let valueEncoding: ChunkFormat.ValueEncoding
    /// Where the time and value sections start in `bytes`.
    let timeStart: Int
    let valueStart: Int

    /// The encoding id: time encoding in the high nibble of the high byte, unit in its low nibble, value
    /// encoding in the low byte — a compact name for benchmarks and logs (`0x0201`: regular ms, XOR).
    public var encodingID: UInt16 {
        UInt16(timeEncoding.rawValue << 4 | timeUnit.rawValue) << 8 | UInt16(valueEncoding.rawValue)
    }

    /// Encodes `samples`: 1…`ChunkFormat.maxSamples` of them, in non-decreasing time order.
    public init(encoding samples: [Sample]) {
        precondition(!samples.isEmpty && samples.count <= ChunkFormat.maxSamples, "a chunk holds 1…maxSamples samples")
        var timeSection: [UInt8] = []
        let timeHeader = TimestampCodec.encode(samples.map(\.timestamp), to: &timeSection)
        var valueSection: [UInt8] = []
        let valueEncoding = ValueCodec.encode(samples.map(\.value), to: &valueSection)
        var writer = BitWriter(capacity: timeSection.count + valueSection.count + 8)
        writer.writeUVarint(UInt64(samples.count))
        writer.write(UInt64(timeHeader), bits: 8)
        writer.write(UInt64(valueEncoding.rawValue), bits: 8)
        writer.writeUVarint(UInt64(timeSection.count))
        var bytes = writer.finish()
        let timeStart = bytes.count
        bytes += timeSection
        bytes += valueSection
        self.bytes = bytes
        self.count = samples.count
        self.minTime = samples[0].timestamp
        self.maxTime = samples[samples.count - 1].timestamp
        self.timeUnit = ChunkFormat.TimeUnit(rawValue: timeHeader & 0x0f)!
        self.timeEncoding = ChunkFormat.TimeEncoding(rawValue: timeHeader >> 4)!
        self.valueEncoding = valueEncoding
        self.timeStart = timeStart
        self.valueStart = timeStart + timeSection.count
    }

    /// Reads a chunk's header and decodes its timestamps (to learn `maxTime` and check the time section).
    public init(bytes: [UInt8]) throws(ChunkError) {
        let header = try MetricChunk(bytes: bytes, minTime: 0, maxTime: 0)
        var times = try TimestampDecoder(
            BitReader(bytes, start: header.timeStart, end: header.valueStart), encoding: header.timeEncoding,
            unit: header.timeUnit, count: header.count)
        var first: Int64 = 0
        var last: Int64 = 0
        var index = 0
        while let time = try times.next() {
            if index == 0 { first = time }
            last = time
            index += 1
        }
        try self.init(bytes: bytes, minTime: first, maxTime: last)
    }

    /// Reads a chunk's header only, taking its first and last time from an index that recorded them: a query
    /// then decodes the timestamps once, while iterating, rather than twice.
    init(bytes: [UInt8], minTime: Int64, maxTime: Int64) throws(ChunkError) {
        var reader = BitReader(bytes, start: 0, end: bytes.count)
        let count = try reader.readUVarint()
        guard count >= 1, count <= UInt64(ChunkFormat.maxSamples) else {
            throw ChunkError(offset: 0, message: "sample count \(count) outside 1…\(ChunkFormat.maxSamples)")
        }
        let timeHeader = UInt8(try reader.read(bits: 8))
        guard let unit = ChunkFormat.TimeUnit(rawValue: timeHeader & 0x0f),
            let timeEncoding = ChunkFormat.TimeEncoding(rawValue: timeHeader >> 4)
        else {
            throw ChunkError(offset: reader.byteOffset - 1, message: "unknown time header \(timeHeader)")
        }
        let valueByte = UInt8(try reader.read(bits: 8))
        guard let valueEncoding = ChunkFormat.ValueEncoding(rawValue: valueByte) else {
            throw ChunkError(offset: reader.byteOffset - 1, message: "unknown value encoding \(valueByte)")
        }
        let lengthOffset = reader.byteOffset
        let timeLength = try reader.readUVarint()
        let timeStart = reader.byteOffset
        guard timeLength <= UInt64(bytes.count - timeStart) else {
            throw ChunkError(offset: lengthOffset, message: "time section of \(timeLength) bytes overruns the chunk")
        }
        self.bytes = bytes
        self.count = Int(count)
        self.timeUnit = unit
        self.timeEncoding = timeEncoding
        self.valueEncoding = valueEncoding
        self.timeStart = timeStart
        self.valueStart = timeStart + Int(timeLength)
        self.minTime = minTime
        self.maxTime = maxTime
    }

    /// A lazy decoder positioned before the first sample.
    public func makeIterator() -> Iterator { Iterator(self) }

    /// Every sample, decoded: the timestamps in one loop, then the values in another, which is quicker than
    /// iterating both in step.
    public func samples() throws(ChunkError) -> [Sample] {
        var times = try TimestampDecoder(
            BitReader(bytes, start: timeStart, end: valueStart), encoding: timeEncoding, unit: timeUnit, count: count)
        var values = try ValueDecoder(
            BitReader(bytes, start: valueStart, end: bytes.count), encoding: valueEncoding, count: count)
        let timestamps = try times.all()
        let decoded = try values.all(count)
        return (0..<count).map { Sample(timestamp: timestamps[$0], value: decoded[$0]) }
    }

    public static func == (lhs: MetricChunk, rhs: MetricChunk) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
