/// An 8-byte span identifier, held big-endian in one integer.
public struct SpanID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// Reads exactly 8 bytes, most significant first; `nil` for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 8 else { return nil }
        self.init(bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Parses 16 hexadecimal digits (either case); `nil` otherwise.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let bytes = HexCoding.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    public static let zero = SpanID(0)
    public var isValid: Bool { value != 0 }

    public var bytes: [UInt8] { HexCoding.bigEndianBytes(value) }
    public var hex: String { HexCoding.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}
