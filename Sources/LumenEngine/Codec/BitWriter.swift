/// Appends bit fields to a byte array, most significant bit first (the order `BitReader` reads them).
///
/// Bits are gathered in a 64-bit accumulator and flushed a byte at a time; `finish()` pads the last byte
/// with zero bits, so a writer's output is always whole bytes.
struct BitWriter {
    private(set) var bytes: [UInt8]
    /// Pending bits, left-aligned: the next bit to flush is bit 63.
    private var accumulator: UInt64 = 0
    private var pending = 0

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Bits written so far, padding not counted.
    var bitCount: Int { bytes.count * 8 + pending }

    @inline(__always)
    mutating func writeBit(_ bit: Bool) {
        write(bit ? 1 : 0, bits: 1)
    }

    /// Writes the low `bits` bits of `value` (0...64 of them); higher bits of `value` are ignored.
    @inline(__always)
    mutating func write(_ value: UInt64, bits: Int) {
        precondition(bits >= 0 && bits <= 64)
        if bits == 0 { return }
        if bits > 32 {
            write(value >> 32, bits: bits - 32)
            write(value & 0xffff_ffff, bits: 32)
            return
        }
        let masked = value & (UInt64.max >> (64 - bits))
        accumulator |= masked << (64 - pending - bits)
        pending += bits
        while pending >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 56))
            accumulator <<= 8
            pending -= 8
        }
    }

    /// An unsigned LEB128 varint, in 8-bit groups on the bit stream (byte-aligned only if the stream is).
    mutating func writeUVarint(_ value: UInt64) {
        LEB128.encode(value) { write(UInt64($0), bits: 8) }
    }

    /// Pads to a whole byte with zero bits and returns the bytes.
    mutating func finish() -> [UInt8] {
        if pending > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 56))
            accumulator = 0
            pending = 0
        }
        return bytes
    }
}
