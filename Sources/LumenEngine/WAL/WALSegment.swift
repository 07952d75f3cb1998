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
    /// The segment format this code writes. Version 2 checksums each record's length with its payload and may
    /// be zero-filled past its last record; version 1 (payload-only checksums, no zero tail) is still read.
    public static let formatVersion: UInt8 = 2
    public static let readableVersions: ClosedRange<UInt8> = 1...2
    /// Magic, version and three reserved zero bytes.
    public static let headerSize = 8
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

    /// The version in `bytes` (a file's start), or why they are not a valid header.
    static func readHeader(_ bytes: ArraySlice<UInt8>) -> Result<UInt8, HeaderProblem> {
        guard bytes.count >= headerSize else {
            return .failure(HeaderProblem("segment header is short (\(bytes.count) of \(headerSize) bytes)"))
        }
        if bytes.prefix(headerSize).allSatisfy({ $0 == 0 }) {
            return .failure(HeaderProblem("segment was prepared but a crash came before its first record was written"))
        }
        guard bytes.prefix(4).elementsEqual(magic) else {
            return .failure(HeaderProblem("segment does not start with the magic \"LWAL\""))
        }
        let version = bytes[bytes.startIndex + 4]
        guard readableVersions.contains(version) else {
            let supported = "\(readableVersions.lowerBound)–\(readableVersions.upperBound)"
            return .failure(HeaderProblem("segment format version \(version) is not a supported one (\(supported))"))
        }
        return .success(version)
    }

    struct HeaderProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    public static func < (lhs: WALSegment, rhs: WALSegment) -> Bool { lhs.index < rhs.index }
}
