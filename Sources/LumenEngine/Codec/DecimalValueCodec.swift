/// VictoriaMetrics' idea for floats that were decimals to begin with (counters, byte counts, 0.25
/// quantiles): scale every value of a chunk to an integer by one power of ten, then store integer
/// differences, which are small and often zero. See `docs/format/chunks.md`, "Decimal".
///
/// Always exact. A finite value the common exponent cannot express (`9.636000000000001`, the sum of float
/// seconds) is an exception: its mantissa is the nearest one and the exception list carries the XOR of
/// the true bits with the scaled value's, so one odd value does not cost the whole chunk XOR's price.
/// NaN and ±Inf (the stale marker is a NaN) are never scaled: `scale` returns nil and the chunk uses XOR.
enum DecimalValueCodec {
    /// Integer mantissas and the common exponent: `value[i]` has the bits of
    /// `DecimalValueCodec.value(mantissas[i], exponent)`, XORed with the exception's bits where there is one.
    struct Scaled {
        let exponent: Int
        let mantissas: [Int64]
        /// Positions (increasing) and bit corrections of the values the exponent does not express exactly.
        let exceptions: [(index: Int, xor: UInt64)]
    }

    /// The double a mantissa and exponent stand for: one correctly rounded operation by an exact power of ten.
    @inline(__always)
    static func value(_ mantissa: Int64, _ exponent: Int) -> Double { Scale(exponent).value(mantissa) }

    /// `value(_:_:)` for one exponent, its power of ten looked up once: a decoder applies it to every value.
    struct Scale {
        private let power: Double
        private let divides: Bool

        init(_ exponent: Int) {
            power = ChunkFormat.powersOfTen[abs(exponent)]
            divides = exponent < 0
        }

        @inline(__always)
        func value(_ mantissa: Int64) -> Double { divides ? Double(mantissa) / power : Double(mantissa) * power }
    }

    /// The chunk's values as mantissas of one exponent, or nil when a value is not finite, when no value is
    /// a short decimal, or when every value would be an exception.
    static func scale(_ values: [Double]) -> Scaled? {
        guard values.allSatisfy(\.isFinite) else { return nil }
        let parts = values.map(decimalParts)
        guard let common = parts.compactMap({ $0?.exponent }).min() else { return nil }
        var mantissas: [Int64] = []
        mantissas.reserveCapacity(values.count)
        var exceptions: [(index: Int, xor: UInt64)] = []
        for (index, part) in parts.enumerated() {
            let bits = values[index].bitPattern
            if let part, part.exponent - common <= 18 {
                let (mantissa, overflow) = part.mantissa.multipliedReportingOverflow(
                    by: integerPowersOfTen[part.exponent - common])
                if !overflow, value(mantissa, common).bitPattern == bits {
                    mantissas.append(mantissa)
                    continue
                }
            }
            let scaled = common >= 0 ? values[index] / ChunkFormat.powersOfTen[common]
                : values[index] * ChunkFormat.powersOfTen[-common]
            let mantissa = abs(scaled) < 9.2e18 ? Int64(scaled.rounded()) : (mantissas.last ?? 0)
            mantissas.append(mantissa)
            exceptions.append((index, bits ^ value(mantissa, common).bitPattern))
        }
        guard exceptions.count < values.count else { return nil }
        return Scaled(exponent: common, mantissas: mantissas, exceptions: exceptions)
    }

    /// The shortest exact decimal form of one value, or nil.
    static func decimalParts(_ value: Double) -> (mantissa: Int64, exponent: Int)? {
        guard value.isFinite else { return nil }
        if value == 0 { return value.sign == .plus ? (0, 0) : nil }
        let exactIntegers = 9_007_199_254_740_992.0  // 2^53
        for digits in 0...(-ChunkFormat.decimalExponents.lowerBound) {
            let scaled = value * ChunkFormat.powersOfTen[digits]
            if abs(scaled) >= exactIntegers { break }
            // Scaling may land a hair off the integer (0.000123456 × 10^9 = 123455.99999999999): round,
            // then keep the mantissa only if dividing it back gives the very same bits.
            let mantissa = Int64(scaled.rounded())
            if Self.value(mantissa, -digits).bitPattern == value.bitPattern { return (mantissa, -digits) }
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
        let flags = scaled.exceptions.isEmpty ? flags : flags | ChunkFormat.DecimalFlags.exceptions
        writer.write(UInt64(flags), bits: 8)
        writer.writeUVarint(ZigZag.encode(Int64(scaled.exponent)))
        writer.writeUVarint(ZigZag.encode(mantissas[0]))
        let deltaOfDelta = flags & ChunkFormat.DecimalFlags.deltaOfDelta != 0
        if deltaOfDelta && mantissas.count > 1 { writer.writeUVarint(ZigZag.encode(mantissas[1] &- mantissas[0])) }
        if !scaled.exceptions.isEmpty {
            writer.writeUVarint(UInt64(scaled.exceptions.count))
            var previous = 0
            for exception in scaled.exceptions {
                writer.writeUVarint(UInt64(exception.index - previous))
                writer.writeUVarint(exception.xor)
                previous = exception.index
            }
        }
        let buckets = flags & ChunkFormat.DecimalFlags.buckets != 0
        func put(_ value: Int64) {
            if buckets {
                BucketCoding.write(ZigZag.encode(value), to: &writer)
            } else {
                writer.writeUVarint(ZigZag.encode(value))
            }
        }
        if deltaOfDelta {
            if mantissas.count > 1 {
                var delta = mantissas[1] &- mantissas[0]
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
        guard scaled.exceptions.isEmpty else { return nil }
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
    private let scale: DecimalValueCodec.Scale
    private let deltaOfDelta: Bool
    private let buckets: Bool
    /// Decimal step: every delta is `delta`, nothing more is read.
    private let step: Bool
    private var index = 0
    private var mantissa: Int64
    private var delta: Int64 = 0
    /// Exception positions and bit corrections, and the next one to apply.
    private var exceptionIndexes: [Int] = []
    private var exceptionXORs: [UInt64] = []
    private var nextException = 0

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
        scale = DecimalValueCodec.Scale(Int(exponent))
        mantissa = ZigZag.decode(try self.reader.readUVarint())
        if step || (deltaOfDelta && count > 1) { delta = ZigZag.decode(try self.reader.readUVarint()) }
        if flags & ChunkFormat.DecimalFlags.exceptions != 0 {
            let countOffset = self.reader.byteOffset
            let exceptions = try self.reader.readUVarint()
            guard exceptions >= 1, exceptions < UInt64(count) else {
                throw ChunkError(offset: countOffset, message: "\(exceptions) exceptions in a chunk of \(count) values")
            }
            var position = 0
            for index in 0..<Int(exceptions) {
                let at = self.reader.byteOffset
                let gap = try self.reader.readUVarint()
                guard gap < UInt64(count), (index == 0 || gap > 0), position + Int(gap) < count else {
                    throw ChunkError(offset: at, message: "exception position out of order or range")
                }
                position += Int(gap)
                exceptionIndexes.append(position)
                exceptionXORs.append(try self.reader.readUVarint())
            }
        }
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
        let value = scale.value(mantissa)
        if nextException < exceptionIndexes.count && exceptionIndexes[nextException] == index {
            nextException += 1
            return Double(bitPattern: value.bitPattern ^ exceptionXORs[nextException - 1])
        }
        return value
    }
}
