/// Constants of the metric chunk format, mirroring `docs/format/chunks.md`. Changing any of them changes
/// bytes on disk: update the doc and the golden files (`Tests/LumenEngineTests/Golden/chunk-*.bin`) with it.
public enum ChunkFormat {
    /// How timestamps are stored: the unit divides every timestamp of the chunk exactly, so nothing is lost.
    public enum TimeUnit: UInt8, Sendable, CaseIterable {
        case nanoseconds = 0
        case microseconds = 1
        case milliseconds = 2
        case seconds = 3

        public var nanoseconds: Int64 {
            switch self {
            case .nanoseconds: 1
            case .microseconds: 1_000
            case .milliseconds: 1_000_000
            case .seconds: 1_000_000_000
            }
        }

        /// The coarsest unit dividing every timestamp.
        static func coarsest(_ timestamps: some Sequence<Int64>) -> TimeUnit {
            var candidates: [TimeUnit] = [.seconds, .milliseconds, .microseconds]
            for timestamp in timestamps {
                candidates.removeAll { timestamp % $0.nanoseconds != 0 }
                if candidates.isEmpty { return .nanoseconds }
            }
            return candidates.first ?? .nanoseconds
        }
    }

    /// The time section's layout (high nibble of the time header byte).
    public enum TimeEncoding: UInt8, Sendable, CaseIterable {
        /// Every delta is the same: first time and step, nothing per sample.
        case regular = 0
        /// First time, first delta, then a bucketed zig-zag delta-of-delta per sample.
        case deltaOfDelta = 1
    }

    /// The value section's layout (the value encoding byte).
    public enum ValueEncoding: UInt8, Sendable, CaseIterable {
        /// Every value has the same bits: one fixed64.
        case constant = 0
        /// Gorilla XOR with leading/trailing-zero window reuse.
        case xor = 1
        /// Values scaled to integers by a common power of ten, then delta or delta-of-delta.
        case decimal = 2
        /// Decimal values in an arithmetic progression: first integer and step, nothing per sample.
        case decimalStep = 3
    }

    /// Flags byte of the decimal encoding.
    enum DecimalFlags {
        /// Set: delta-of-delta; clear: delta.
        static let deltaOfDelta: UInt8 = 1 << 0
        /// Set: Gorilla-style buckets on a bit stream; clear: zig-zag LEB128 varints.
        static let buckets: UInt8 = 1 << 1
        /// Set: an exception list follows the header (values the common exponent cannot express exactly).
        static let exceptions: UInt8 = 1 << 2
        static let all: UInt8 = deltaOfDelta | buckets | exceptions
    }

    /// Decimal exponents are kept where powers of ten are exact doubles, so scaling is exactly one
    /// correctly rounded multiplication or division.
    static let decimalExponents: ClosedRange<Int> = -22...22
    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Samples in one chunk at most. Constant and regular chunks cost no bits per sample, so the count
    /// cannot be checked against the chunk's size; this bound keeps a corrupt count from running a decoder
    /// (or an allocation) for billions of samples.
    public static let maxSamples = 1 << 16

    /// The XOR encoding stores a leading-zero count in 5 bits.
    static let xorMaxLeadingZeros = 31
}
