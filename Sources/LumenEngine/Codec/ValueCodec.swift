/// Picks a chunk's value encoding by trying every one that applies and keeping the smallest (ties go to
/// the first in `ChunkFormat.ValueEncoding` order: constant, XOR, decimal, decimal step — cheapest to
/// decode first). Trying costs a few encodes per chunk at write time, which blocks can afford.
enum ValueCodec {
    /// Appends the value section for `values` (at least one) to `destination`; returns its encoding.
    static func encode(_ values: [Double], to destination: inout [UInt8]) -> ChunkFormat.ValueEncoding {
        precondition(!values.isEmpty, "a chunk holds at least one sample")
        let firstBits = values[0].bitPattern
        if values.allSatisfy({ $0.bitPattern == firstBits }) {
            withUnsafeBytes(of: firstBits.littleEndian) { destination += $0 }
            return .constant
        }
        var best: [UInt8] = []
        XORValueCodec.encode(values, to: &best)
        var bestEncoding = ChunkFormat.ValueEncoding.xor
        if let scaled = DecimalValueCodec.scale(values) {
            if let step = DecimalValueCodec.encodeStep(scaled), step.count < best.count {
                best = step
                bestEncoding = .decimalStep
            }
            let deltaOfDelta = ChunkFormat.DecimalFlags.deltaOfDelta
            let buckets = ChunkFormat.DecimalFlags.buckets
            for flags: UInt8 in [0, buckets, deltaOfDelta, deltaOfDelta | buckets] {
                var candidate: [UInt8] = []
                DecimalValueCodec.encode(scaled, flags: flags, to: &candidate)
                if candidate.count < best.count {
                    best = candidate
                    bestEncoding = .decimal
                }
            }
        }
        destination += best
        return bestEncoding
    }
}

/// Decodes a value section of any encoding, one value at a time.
struct ValueDecoder {
    private let encoding: ChunkFormat.ValueEncoding
    private var constant = 0.0
    private var xor: XORValueDecoder?
    private var decimal: DecimalValueDecoder?

    init(_ reader: BitReader, encoding: ChunkFormat.ValueEncoding, count: Int) throws(ChunkError) {
        self.encoding = encoding
        switch encoding {
        case .constant:
            var reader = reader
            constant = Double(bitPattern: try reader.read(bits: 64).byteSwapped)
        case .xor:
            xor = XORValueDecoder(reader)
        case .decimal:
            decimal = try DecimalValueDecoder(reader, step: false, count: count)
        case .decimalStep:
            decimal = try DecimalValueDecoder(reader, step: true, count: count)
        }
    }

    /// The next `count` values, the encoding chosen once rather than per value.
    mutating func all(_ count: Int) throws(ChunkError) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(count)
        switch encoding {
        case .constant:
            result = Array(repeating: constant, count: count)
        case .xor:
            for _ in 0..<count { result.append(try xor!.next()) }
        case .decimal, .decimalStep:
            for _ in 0..<count { result.append(try decimal!.next()) }
        }
        return result
    }

    @inline(__always)
    mutating func next() throws(ChunkError) -> Double {
        switch encoding {
        case .constant: constant
        case .xor: try xor!.next()
        case .decimal, .decimalStep: try decimal!.next()
        }
    }
}
