/// Gorilla's XOR float encoding (Pelkonen et al., VLDB 2015, section 4.1.2), as Prometheus' `chunkenc`
/// uses it: any bit pattern round-trips, NaN payloads and the stale marker included, so it is the fallback
/// when no other value encoding applies.
///
/// Per value after the first (64 raw bits): `0` when it equals the previous value; `10` then the
/// meaningful bits when the XOR with the previous value fits the previous leading/trailing-zero window;
/// `11`, 5 bits of leading zeros, 6 bits of meaningful-bit count (0 meaning 64), then those bits.
enum XORValueCodec {
    static func encode(_ values: [Double], to destination: inout [UInt8]) {
        var writer = BitWriter(capacity: values.count * 2 + 8)
        var previous = values[0].bitPattern
        writer.write(previous, bits: 64)
        var leading = Int.max
        var trailing = 0
        for value in values.dropFirst() {
            let bits = value.bitPattern
            let xor = bits ^ previous
            previous = bits
            if xor == 0 {
                writer.write(0, bits: 1)
                continue
            }
            let newLeading = min(xor.leadingZeroBitCount, ChunkFormat.xorMaxLeadingZeros)
            let newTrailing = xor.trailingZeroBitCount
            if leading != Int.max && newLeading >= leading && newTrailing >= trailing {
                writer.write(0b10, bits: 2)
                writer.write(xor >> trailing, bits: 64 - leading - trailing)
            } else {
                leading = newLeading
                trailing = newTrailing
                let significant = 64 - leading - trailing
                writer.write(0b11, bits: 2)
                writer.write(UInt64(leading), bits: 5)
                writer.write(UInt64(significant & 63), bits: 6)
                writer.write(xor >> trailing, bits: significant)
            }
        }
        destination += writer.finish()
    }
}

/// Decodes an XOR value section one value at a time.
struct XORValueDecoder {
    private var reader: BitReader
    private var previous: UInt64 = 0
    private var leading = 0
    private var trailing = 0
    private var started = false
    private var windowSet = false

    init(_ reader: BitReader) {
        self.reader = reader
    }

    @inline(__always)
    mutating func next() throws(ChunkError) -> Double {
        guard started else {
            started = true
            previous = try reader.read(bits: 64)
            return Double(bitPattern: previous)
        }
        if !(try reader.readBit()) { return Double(bitPattern: previous) }
        if try reader.readBit() {
            let at = reader.byteOffset
            leading = Int(try reader.read(bits: 5))
            var significant = Int(try reader.read(bits: 6))
            if significant == 0 { significant = 64 }
            guard leading + significant <= 64 else {
                throw ChunkError(offset: at, message: "XOR window of \(leading) leading zeros and \(significant) bits exceeds 64")
            }
            trailing = 64 - leading - significant
            windowSet = true
        } else if !windowSet {
            throw ChunkError(offset: reader.byteOffset, message: "XOR window reused before one was set")
        }
        let significant = 64 - leading - trailing
        previous ^= try reader.read(bits: significant) << trailing
        return Double(bitPattern: previous)
    }
}
