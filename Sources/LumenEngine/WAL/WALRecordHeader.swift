/// The eight bytes before every record's payload (see `docs/format/wal.md`):
///
/// ```
/// ┌────────────────────┬───────────────────────────────────────┬──────────────────┐
/// │ length u32 LE (4)  │ CRC-32C of length and payload u32 (4) │ payload (length) │
/// └────────────────────┴───────────────────────────────────────┴──────────────────┘
/// ```
/// Segments of version 1 checksum the payload alone. Covering the length too means that eight zero bytes are
/// never a valid header, so they can mark the end of the records in a zero-filled segment.
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

    /// The header of `payload` as the current segment version writes it; the caller has checked the length
    /// against `maxPayloadLength`.
    public init(payload: [UInt8]) {
        let length = UInt32(payload.count)
        let checksum = Self.checksum(of: payload, length: length, segmentVersion: WALSegment.formatVersion)
        self.init(length: length, checksum: checksum)
    }

    /// The checksum a segment of `segmentVersion` stores for `payload`.
    static func checksum(of payload: [UInt8], length: UInt32, segmentVersion: UInt8) -> UInt32 {
        guard segmentVersion >= 2 else { return CRC32C.checksum(payload) }
        let lengthCRC = withUnsafeBytes(of: length.littleEndian) { CRC32C.update(0, buffer: $0) }
        return CRC32C.update(lengthCRC, with: payload)
    }

    /// Eight zero bytes: where the records of a zero-filled segment end (never a valid header from version 2).
    var isZero: Bool { length == 0 && checksum == 0 }

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
