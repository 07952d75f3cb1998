/// A 16-byte W3C/OpenTelemetry trace identifier, held as two big-endian halves so it hashes and sorts cheaply.
public struct TraceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads exactly 16 bytes, most significant first; `nil` for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// Parses 32 hexadecimal digits (either case); `nil` otherwise.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let bytes = HexCoding.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The all-zero ID, which OpenTelemetry defines as invalid.
    public static let zero = TraceID(high: 0, low: 0)
    public var isValid: Bool { self != .zero }

    public var bytes: [UInt8] { HexCoding.bigEndianBytes(high) + HexCoding.bigEndianBytes(low) }
    public var hex: String { HexCoding.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
