/// VictoriaMetrics' idea for floats that were decimals to begin with (counters, byte counts, 0.25
/// quantiles): scale every value of a chunk to an integer by one power of ten, then store integer
/// differences, which are small and often zero. See `docs/format/chunks.md`, "Decimal".
///
/// Only exact: a chunk is scaled only if every value comes back with the same bits, so NaN, ±Inf, the stale
/// marker, -0 and values with too many digits make `scale` return nil and the chunk falls back to XOR.
enum DecimalValueCodec {
    /// Integer mantissas and the common exponent: `value[i] == DecimalValueCodec.value(mantissas[i], exponent)`.
    struct Scaled {
        let exponent: Int
        let mantissas: [Int64]
    }

    /// The double a mantissa and exponent stand for: one correctly rounded operation by an exact power of ten.
    @inline(__always)
    static func value(_ mantissa: Int64, _ exponent: Int) -> Double {
        exponent >= 0 ? Double(mantissa) * ChunkFormat.powersOfTen[exponent]
            : Double(mantissa) / ChunkFormat.powersOfTen[-exponent]
    }

    static func scale(_ values: [Double]) -> Scaled? {
        var parts: [(mantissa: Int64, exponent: Int)] = []
        parts.reserveCapacity(values.count)
        var common = Int.max
        for value in values {
            guard let part = decimalParts(value) else { return nil }
            parts.append(part)
            common = min(common, part.exponent)
        }
        var mantissas: [Int64] = []
        mantissas.reserveCapacity(values.count)
        for (index, part) in parts.enumerated() {
            let shift = part.exponent - common
            guard shift <= 18 else { return nil }
            let (mantissa, overflow) = part.mantissa.multipliedReportingOverflow(by: integerPowersOfTen[shift])
            guard !overflow, value(mantissa, common).bitPattern == values[index].bitPattern else { return nil }
            mantissas.append(mantissa)
        }
        return Scaled(exponent: common, mantissas: mantissas)
    }

    /// The shortest exact decimal form of one value, or nil.
    static func decimalParts(_ value: Double) -> (mantissa: Int64, exponent: Int)? {
        guard value.isFinite else { return nil }
        if value == 0 { return value.sign == .plus ? (0, 0) : nil }
        let exactIntegers = 9_007_199_254_740_992.0  // 2^53
        for digits in 0...(-ChunkFormat.decimalExponents.lowerBound) {
            let scaled = value * ChunkFormat.powersOfTen[digits]
            if abs(scaled) >= exactIntegers { break }
            if scaled == scaled.rounded() {
                let mantissa = Int64(scaled)
                if Self.value(mantissa, -digits).bitPattern == value.bitPattern { return (mantissa, -digits) }
            }
        }
        guard value == value.rounded(), abs(value) < 9.2e18 else { return nil }
        for exponent in stride(from: ChunkFormat.decimalExponents.upperBound, through: 0, by: -1) {
            let mantissa = (value / ChunkFormat.powersOfTen[exponent]).rounded()
            if Self.value(Int64(mantissa), exponent).bitPattern == value.bitPattern { return (Int64(mantissa), exponent) }
        }
        return nil
    }

    static let integerPowersOfTen: [Int64] = (0...18).map { exponent in
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The decimal value section: flags, exponent, first mantissa, then deltas or delta-of-deltas.
    static func encode(_ scaled: Scaled, flags: UInt8, to destination: inout [UInt8]) {
        let mantissas = scaled.mantissas
        var writer = BitWriter(capacity: mantissas.count + 16)
        writer.write(UInt64(flags), bits: 8)
        writer.writeUVarint(ZigZag.encode(Int64(scaled.exponent)))
        writer.writeUVarint(ZigZag.encode(mantissas[0]))
        let buckets = flags & ChunkFormat.DecimalFlags.buckets != 0
        func put(_ value: Int64) {
            if buckets {
                BucketCoding.write(ZigZag.encode(value), to: &writer)
            } else {
                writer.writeUVarint(ZigZag.encode(value))
            }
        }
        if flags & ChunkFormat.DecimalFlags.deltaOfDelta != 0 {
            if mantissas.count > 1 {
                var delta = mantissas[1] &- mantissas[0]
                writer.writeUVarint(ZigZag.encode(delta))
                for index in mantissas.indices.dropFirst(2) {
                    let next = mantissas[index] &- mantissas[index - 1]
                    put(next &- delta)
                    delta = next
                }
            }
        } else {
            for index in mantissas.indices.dropFirst() { put(mantissas[index] &- mantissas[index - 1]) }
        }
        destination += writer.finish()
    }

    /// The decimal-step section when the mantissas form an arithmetic progression, else nil.
    static func encodeStep(_ scaled: Scaled) -> [UInt8]? {
        let mantissas = scaled.mantissas
        let step = mantissas.count > 1 ? mantissas[1] &- mantissas[0] : 0
        for index in mantissas.indices.dropFirst() where mantissas[index] &- mantissas[index - 1] != step {
            return nil
        }
        var writer = BitWriter(capacity: 24)
        writer.writeUVarint(ZigZag.encode(Int64(scaled.exponent)))
        writer.writeUVarint(ZigZag.encode(mantissas[0]))
        writer.writeUVarint(ZigZag.encode(step))
        return writer.finish()
    }
}

/// Decodes a decimal or decimal-step value section one value at a time.
struct DecimalValueDecoder {
    private var reader: BitReader
    private let exponent: Int
    private let deltaOfDelta: Bool
    private let buckets: Bool
    /// Decimal step: every delta is `delta`, nothing more is read.
    private let step: Bool
    private var index = 0
    private var mantissa: Int64
    private var delta: Int64 = 0

    init(_ reader: BitReader, step: Bool, count: Int) throws(ChunkError) {
        self.reader = reader
        self.step = step
        var flags: UInt8 = 0
        let flagsOffset = reader.byteOffset
        if !step { flags = UInt8(try self.reader.read(bits: 8)) }
        guard flags & ~ChunkFormat.DecimalFlags.all == 0 else {
            throw ChunkError(offset: flagsOffset, message: "unknown decimal flags \(flags)")
        }
        deltaOfDelta = flags & ChunkFormat.DecimalFlags.deltaOfDelta != 0
        buckets = flags & ChunkFormat.DecimalFlags.buckets != 0
        let exponentOffset = self.reader.byteOffset
        let exponent = ZigZag.decode(try self.reader.readUVarint())
        guard exponent >= Int64(ChunkFormat.decimalExponents.lowerBound),
            exponent <= Int64(ChunkFormat.decimalExponents.upperBound)
        else {
            throw ChunkError(offset: exponentOffset, message: "decimal exponent \(exponent) out of range")
        }
        self.exponent = Int(exponent)
        mantissa = ZigZag.decode(try self.reader.readUVarint())
        if step || (deltaOfDelta && count > 1) { delta = ZigZag.decode(try self.reader.readUVarint()) }
    }

    @inline(__always)
    private mutating func integer() throws(ChunkError) -> Int64 {
        ZigZag.decode(buckets ? try BucketCoding.read(from: &reader) : try reader.readUVarint())
    }

    @inline(__always)
    mutating func next() throws(ChunkError) -> Double {
        defer { index += 1 }
        if index > 0 {
            if step {
                // every delta is the step
            } else if deltaOfDelta {
                if index > 1 { delta &+= try integer() }
            } else {
                delta = try integer()
            }
            mantissa &+= delta
        }
        return DecimalValueCodec.value(mantissa, exponent)
    }
}
