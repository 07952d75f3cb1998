/// One numbered file of the write-ahead log and the constants of its header (see `docs/format/wal.md`).
///
/// ```
/// ┌──────────────────────┬─────────────┬───────────────────┬─────────┬─────────┬───
/// │ magic "LWAL" (4)     │ version (1) │ reserved, 0 (3)   │ record  │ record  │ …
/// └──────────────────────┴─────────────┴───────────────────┴─────────┴─────────┴───
/// ```
/// Files are named by an 8-digit decimal index, `00000001.wal`, `00000002.wal` …; records never straddle files.
public struct WALSegment: Hashable, Sendable, Comparable {
    /// The first four bytes of every segment: `LWAL`.
    public static let magic: [UInt8] = Array("LWAL".utf8)
    /// The segment format this code writes and the only one it reads.
    public static let formatVersion: UInt8 = 1
    /// Magic, version and three reserved zero bytes.
    public static let headerSize = 8
    public static let fileExtension = ".wal"
    static let indexDigits = 8

    public let index: Int

    public init(index: Int) { self.index = index }

    /// `00000042.wal`.
    public var fileName: String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, Self.indexDigits - digits.count)) + digits + Self.fileExtension
    }

    /// The segment a file name denotes; `nil` for any other file (which the WAL leaves alone).
    public init?(fileName: String) {
        guard fileName.hasSuffix(Self.fileExtension) else { return nil }
        let stem = fileName.dropLast(Self.fileExtension.count)
        guard stem.utf8.count == Self.indexDigits, stem.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let index = Int(stem)
        else { return nil }
        self.index = index
    }

    /// The bytes every segment starts with.
    public static var header: [UInt8] { magic + [formatVersion, 0, 0, 0] }

    /// Why `bytes` (a file's start) is not a valid header, or `nil` if it is.
    static func headerProblem(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count >= headerSize else {
            return "segment header is short (\(bytes.count) of \(headerSize) bytes)"
        }
        guard bytes.prefix(4).elementsEqual(magic) else { return "segment does not start with the magic \"LWAL\"" }
        let version = bytes[bytes.startIndex + 4]
        guard version == formatVersion else {
            return "segment format version \(version) is not the supported \(formatVersion)"
        }
        return nil
    }

    public static func < (lhs: WALSegment, rhs: WALSegment) -> Bool { lhs.index < rhs.index }
}
