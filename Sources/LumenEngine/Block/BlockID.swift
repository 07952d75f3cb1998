import LumenModel

/// A block's identity: a ULID — 48 bits of milliseconds since the epoch then 80 random bits, written as 26
/// Crockford base-32 characters. IDs sort by creation time as strings, so a directory listing is in order.
public struct BlockID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milliseconds: UInt64
    /// The 80 random bits: high 16 in `randomHigh`, low 64 in `randomLow`.
    public let randomHigh: UInt16
    public let randomLow: UInt64

    public init(milliseconds: UInt64, randomHigh: UInt16, randomLow: UInt64) {
        self.milliseconds = milliseconds & 0xffff_ffff_ffff
        self.randomHigh = randomHigh
        self.randomLow = randomLow
    }

    /// A new ID for now.
    public static func generate() -> BlockID {
        var generator = SystemRandomNumberGenerator()
        return BlockID(
            milliseconds: UInt64(Timestamp.now() / Timestamp.nanosecondsPerMillisecond),
            randomHigh: generator.next(), randomLow: generator.next())
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// 26 characters: 10 for the time (the first carries only 3 bits), 16 for the randomness.
    public var description: String {
        var characters: [UInt8] = []
        for index in stride(from: 9, through: 0, by: -1) {
            characters.append(Self.alphabet[Int((milliseconds >> UInt64(index * 5)) & 31)])
        }
        for index in stride(from: 15, through: 0, by: -1) {
            let shift = index * 5
            let bits: UInt64 = shift >= 64
                ? UInt64(randomHigh) >> UInt64(shift - 64)
                : (randomLow >> UInt64(shift)) | (shift > 48 ? UInt64(randomHigh) << UInt64(64 - shift) : 0)
            characters.append(Self.alphabet[Int(bits & 31)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Parses the 26-character form (case-insensitive); nil if it is not one.
    public init?(_ text: String) {
        let utf8 = Array(text.uppercased().utf8)
        guard utf8.count == 26 else { return nil }
        var values: [UInt64] = []
        for character in utf8 {
            guard let value = Self.alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt64(value))
        }
        guard values[0] < 8 else { return nil }
        var milliseconds: UInt64 = 0
        for value in values[0..<10] { milliseconds = milliseconds << 5 | value }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for value in values[10...] {
            high = high << 5 | low >> 59
            low = low << 5 | value
        }
        self.init(milliseconds: milliseconds, randomHigh: UInt16(truncatingIfNeeded: high), randomLow: low)
    }

    public static func < (lhs: BlockID, rhs: BlockID) -> Bool {
        (lhs.milliseconds, lhs.randomHigh, lhs.randomLow) < (rhs.milliseconds, rhs.randomHigh, rhs.randomLow)
    }
}
