/// Gorilla-style variable-width buckets for zig-zagged integers on a bit stream, used for timestamp
/// delta-of-deltas and for decimal value deltas (`docs/format/chunks.md`, "Buckets").
///
/// A prefix of k one-bits then a zero picks bucket k; bucket 5's prefix is five ones with no zero.
/// Bucket 0 is the integer 0 with no payload, so a regular scrape or an unchanged counter costs one bit
/// per sample. Bucket widths suit millisecond timestamps: scrape jitter of a few ms fits bucket 1.
enum BucketCoding {
    /// Payload bits of buckets 0…5.
    static let payloadBits: [Int] = [0, 6, 13, 20, 32, 64]
    static let lastBucket = 5

    @inline(__always)
    static func write(_ value: UInt64, to writer: inout BitWriter) {
        if value == 0 {
            writer.write(0, bits: 1)
        } else if value < 1 << 6 {
            writer.write(0b10, bits: 2)
            writer.write(value, bits: 6)
        } else if value < 1 << 13 {
            writer.write(0b110, bits: 3)
            writer.write(value, bits: 13)
        } else if value < 1 << 20 {
            writer.write(0b1110, bits: 4)
            writer.write(value, bits: 20)
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
        return try reader.read(bits: payloadBits[bucket])
    }

    /// Bits `write` would use for `value`.
    @inline(__always)
    static func size(of value: UInt64) -> Int {
        if value == 0 { return 1 }
        if value < 1 << 6 { return 8 }
        if value < 1 << 13 { return 16 }
        if value < 1 << 20 { return 24 }
        if value < 1 << 32 { return 37 }
        return 69
    }
}
