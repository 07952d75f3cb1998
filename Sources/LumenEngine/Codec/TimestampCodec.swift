/// Encodes a chunk's timestamps (the time section, `docs/format/chunks.md`): scaled to the coarsest exact
/// unit, then either "regular" (one step for all) or delta-of-delta in `BucketCoding` buckets.
///
/// Differences wrap (two's complement), so any `Int64` timestamps round-trip, in any order.
enum TimestampCodec {
    /// Appends the time section for `timestamps` (at least one) to `destination`; returns the header byte.
    static func encode(_ timestamps: [Int64], to destination: inout [UInt8]) -> UInt8 {
        precondition(!timestamps.isEmpty, "a chunk holds at least one sample")
        let unit = ChunkFormat.TimeUnit.coarsest(timestamps)
        let scale = unit.nanoseconds
        let scaled = timestamps.map { $0 / scale }
        var writer = BitWriter(capacity: timestamps.count / 4 + 16)
        writer.writeUVarint(ZigZag.encode(scaled[0]))
        guard scaled.count > 1 else {
            destination += writer.finish()
            return header(unit, .regular)
        }
        let firstDelta = scaled[1] &- scaled[0]
        writer.writeUVarint(ZigZag.encode(firstDelta))
        if (2..<scaled.count).allSatisfy({ scaled[$0] &- scaled[$0 - 1] == firstDelta }) {
            destination += writer.finish()
            return header(unit, .regular)
        }
        var delta = firstDelta
        for index in 2..<scaled.count {
            let next = scaled[index] &- scaled[index - 1]
            BucketCoding.write(ZigZag.encode(next &- delta), to: &writer)
            delta = next
        }
        destination += writer.finish()
        return header(unit, .deltaOfDelta)
    }

    static func header(_ unit: ChunkFormat.TimeUnit, _ encoding: ChunkFormat.TimeEncoding) -> UInt8 {
        encoding.rawValue << 4 | unit.rawValue
    }
}

/// Decodes a time section one timestamp at a time.
struct TimestampDecoder {
    private var reader: BitReader
    private let encoding: ChunkFormat.TimeEncoding
    private let scale: Int64
    private let count: Int
    private var index = 0
    private var current: Int64 = 0
    private var delta: Int64 = 0

    /// Reads the section's fixed fields; `header` was validated by `MetricChunk`.
    init(_ reader: BitReader, encoding: ChunkFormat.TimeEncoding, unit: ChunkFormat.TimeUnit, count: Int) throws(ChunkError) {
        self.reader = reader
        self.encoding = encoding
        self.scale = unit.nanoseconds
        self.count = count
        current = ZigZag.decode(try self.reader.readUVarint())
        if count > 1 { delta = ZigZag.decode(try self.reader.readUVarint()) }
    }

    /// All `count` timestamps, in nanoseconds.
    mutating func all() throws(ChunkError) -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(count)
        while let time = try next() { result.append(time) }
        return result
    }

    /// The next timestamp in nanoseconds, or nil after `count` of them.
    @inline(__always)
    mutating func next() throws(ChunkError) -> Int64? {
        guard index < count else { return nil }
        defer { index += 1 }
        switch index {
        case 0:
            break
        case 1:
            current &+= delta
        default:
            if encoding == .deltaOfDelta {
                delta &+= ZigZag.decode(try BucketCoding.read(from: &reader))
            }
            current &+= delta
        }
        return current &* scale
    }
}
