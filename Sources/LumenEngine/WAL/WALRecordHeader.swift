/// The eight bytes before every record's payload (see `docs/format/wal.md`):
///
/// ```
/// ┌────────────────────┬──────────────────────────────┬──────────────────┐
/// │ length u32 LE (4)  │ CRC-32C of payload u32 LE (4)│ payload (length) │
/// └────────────────────┴──────────────────────────────┴──────────────────┘
/// ```
public struct WALRecordHeader: Hashable, Sendable {
    public static let size = 8
    /// The largest payload a record may hold: a corrupt length must not make replay allocate wildly.
    public static let maxPayloadLength = 256 << 20

    public var length: UInt32
    public var checksum: UInt32

    public init(length: UInt32, checksum: UInt32) {
        self.length = length
        self.checksum = checksum
    }

    /// The header of `payload`, whose length the caller has checked against `maxPayloadLength`.
    public init(payload: [UInt8]) {
        self.init(length: UInt32(payload.count), checksum: CRC32C.checksum(payload))
    }

    /// Appends the eight header bytes to `buffer`.
    public func write(to buffer: inout [UInt8]) {
        withUnsafeBytes(of: length.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: checksum.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Reads a header at `offset`; the caller ensures eight bytes are there.
    static func read(from bytes: [UInt8], at offset: Int) -> WALRecordHeader {
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        return WALRecordHeader(length: u32(offset), checksum: u32(offset + 4))
    }
}
