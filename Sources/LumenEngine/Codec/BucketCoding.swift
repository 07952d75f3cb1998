/// Gorilla-style variable-width buckets for zig-zagged integers on a bit stream, used for timestamp
/// delta-of-deltas and for decimal value deltas (`docs/format/chunks.md`, "Buckets").
///
/// A prefix of k one-bits then a zero picks bucket k; bucket 5's prefix is five ones with no zero.
/// Bucket 0 is the integer 0 with no payload, so a regular scrape or an unchanged counter costs one bit
/// per sample. Bucket widths were tuned on real node_exporter scrapes: the jitter of Prometheus' millisecond
/// timestamps (a delta-of-delta within ±8 ms) fits bucket 1, a counter's per-scrape increase often bucket 2.
enum BucketCoding {
    static let lastBucket = 5

    /// Payload bits of buckets 0…5: 0, 4, 8, 16, 32, 64.
    @inline(__always)
    static func payloadBits(ofBucket bucket: Int) -> Int { bucket == 0 ? 0 : 2 << bucket }

    @inline(__always)
    static func write(_ value: UInt64, to writer: inout BitWriter) {
        if value == 0 {
            writer.write(0, bits: 1)
        } else if value < 1 << 4 {
            writer.write(0b10, bits: 2)
            writer.write(value, bits: 4)
        } else if value < 1 << 8 {
            writer.write(0b110, bits: 3)
            writer.write(value, bits: 8)
        } else if value < 1 << 16 {
            writer.write(0b1110, bits: 4)
            writer.write(value, bits: 16)
        } else if value < 1 << 32 {
            writer.write(0b11110, bits: 5)
            writer.write(value, bits: 32)
        } else {
            writer.write(0b11111, bits: 5)
            writer.write(value, bits: 64)
        }
    }

    @inline(__always)
    static func read(from reader: inout BitReader) throws(ChunkError) -> UInt64 {
        let bucket = try reader.readUnaryPrefix(limit: lastBucket)
        return try reader.read(bits: payloadBits(ofBucket: bucket))
    }

    /// Bits `write` would use for `value`.
    @inline(__always)
    static func size(of value: UInt64) -> Int {
        if value == 0 { return 1 }
        if value < 1 << 4 { return 6 }
        if value < 1 << 8 { return 11 }
        if value < 1 << 16 { return 20 }
        if value < 1 << 32 { return 37 }
        return 69
    }
}
