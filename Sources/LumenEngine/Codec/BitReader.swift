/// Reads bit fields written by `BitWriter`, most significant bit first, checking every bound: a read past
/// the end throws `ChunkError` with the byte offset, never a crash.
///
/// Holds its bytes as an array slice (no copy); `baseOffset` is where `bytes` starts in the chunk, so
/// errors name an offset from the chunk's first byte.
struct BitReader {
    private let bytes: [UInt8]
    private let end: Int
    private var position: Int
    private let baseOffset: Int
    /// Buffered bits, left-aligned.
    private var accumulator: UInt64 = 0
    private var buffered = 0

    /// Reads `bytes[start..<end]`; offsets in errors count from `start - baseOffset`.
    init(_ bytes: [UInt8], start: Int, end: Int, baseOffset: Int = 0) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.baseOffset = baseOffset
    }

    /// The byte offset of the next unread bit, from the start of the chunk.
    var byteOffset: Int { position - buffered / 8 - baseOffset }

    @inline(__always)
    private mutating func refill() {
        if end - position >= 8 {
            // Eight bytes in one load, keeping as many whole ones as fit: the common case, away from the end.
            let word = bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
            let count = (64 - buffered) / 8
            accumulator |= (word >> (64 - 8 * count)) << (64 - buffered - 8 * count)
            buffered += 8 * count
            position += count
            return
        }
        while buffered <= 56 && position < end {
            accumulator |= UInt64(bytes[position]) << (56 - buffered)
            buffered += 8
            position += 1
        }
    }

    @inline(__always)
    mutating func readBit() throws(ChunkError) -> Bool {
        if buffered == 0 {
            refill()
            if buffered == 0 { throw ChunkError(offset: byteOffset, message: "unexpected end of bit stream") }
        }
        let bit = accumulator >> 63 == 1
        accumulator <<= 1
        buffered -= 1
        return bit
    }

    /// Reads `bits` bits (0...64) as the low bits of the result.
    @inline(__always)
    mutating func read(bits: Int) throws(ChunkError) -> UInt64 {
        if bits == 0 { return 0 }
        if bits > 56 { return try readWide(bits: bits) }
        if buffered < bits {
            refill()
            if buffered < bits { throw ChunkError(offset: byteOffset, message: "unexpected end of bit stream") }
        }
        let value = accumulator >> (64 - bits)
        accumulator <<= bits
        buffered -= bits
        return value
    }

    /// More bits than the buffer is sure to hold, in two reads; apart from `read` so that `read` inlines.
    private mutating func readWide(bits: Int) throws(ChunkError) -> UInt64 {
        let high = try read(bits: bits - 32)
        return high << 32 | (try read(bits: 32))
    }

    /// Counts leading one bits, stopping after `limit` (below 57) of them or at the first zero (which is
    /// consumed).
    @inline(__always)
    mutating func readUnaryPrefix(limit: Int) throws(ChunkError) -> Int {
        if buffered <= limit { refill() }
        // Bits past the buffered ones are zero, so the count of ones never runs past them.
        let ones = min((~accumulator).leadingZeroBitCount, limit)
        let consumed = ones < limit ? ones + 1 : limit
        guard consumed <= buffered else { throw ChunkError(offset: byteOffset, message: "unexpected end of bit stream") }
        accumulator <<= consumed
        buffered -= consumed
        return ones
    }

    mutating func readUVarint() throws(ChunkError) -> UInt64 {
        let start = byteOffset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let group = try read(bits: 8)
            if shift == 63 && group > 1 { throw ChunkError(offset: start, message: "varint overflows 64 bits") }
            result |= (group & 0x7f) << shift
            if group < 0x80 { return result }
            shift += 7
            if shift > 63 { throw ChunkError(offset: start, message: "varint longer than 10 bytes") }
        }
    }
}
