/// What lies at one offset of a segment's bytes, for replay: an intact record, the zero-filled rest of a
/// prepared segment, or damage — with where the next record starts when the damaged one's length is usable.
enum WALRecordRead {
    case intact([UInt8], next: Int)
    case zeros
    case damaged(String, next: Int?)

    static func at(_ offset: Int, in bytes: [UInt8], segmentVersion version: UInt8) -> WALRecordRead {
        let payloadStart = offset + WALRecordHeader.size
        guard payloadStart <= bytes.count else {
            return .damaged("torn record header (\(bytes.count - offset) of \(WALRecordHeader.size) bytes)", next: nil)
        }
        let header = WALRecordHeader.read(from: bytes, at: offset)
        let length = Int(header.length)
        if version >= 2 && header.isZero { return .zeros }
        guard length <= WALRecordHeader.maxPayloadLength else {
            return .damaged("record length \(length) exceeds the limit of \(WALRecordHeader.maxPayloadLength)",
                next: nil)
        }
        guard length <= bytes.count - payloadStart else {
            return .damaged("torn record: length \(length) runs past the end of the file "
                + "(\(bytes.count - payloadStart) bytes left)", next: nil)
        }
        let payload = Array(bytes[payloadStart..<payloadStart + length])
        let checksum = WALRecordHeader.checksum(of: payload, length: header.length, segmentVersion: version)
        guard checksum == header.checksum else {
            return .damaged("checksum mismatch: stored \(hex(checksum: header.checksum)), computed "
                + hex(checksum: checksum), next: payloadStart + length)
        }
        return .intact(payload, next: payloadStart + length)
    }

    private static func hex(checksum: UInt32) -> String { "0x" + String(checksum, radix: 16, uppercase: true) }
}
