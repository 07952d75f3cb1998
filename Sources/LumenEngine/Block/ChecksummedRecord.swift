import Foundation

/// The record framing the block files share — metric chunks and log and span pages alike:
/// `uvarint length · length bytes · CRC-32C u32` of those bytes (`docs/format/chunks.md`, `logs.md`).
enum ChecksummedRecord {
    /// The CRC-32C after the bytes.
    static let checksumSize = 4

    /// Appends `bytes` as a record to `file`.
    static func append(_ bytes: [UInt8], to file: inout [UInt8]) {
        file.appendUVarint(UInt64(bytes.count))
        file += bytes
        file.appendU32(CRC32C.checksum(bytes))
    }

    /// Where the record starting at `offset` ends, read from its length alone (its bytes may be damaged), or nil
    /// if the length cannot be read or overruns the file.
    static func end(of file: Data, at offset: Int) -> Int? {
        guard offset < file.count else { return nil }
        let head = [UInt8](file[file.startIndex + offset..<file.startIndex + min(offset + 10, file.count)])
        let parsed = try? BlockError.reading(head, path: "") { reader throws(BatchRecordError) in
            (try reader.int("record length", below: file.count - offset), reader.offset)
        }
        guard let (length, headerLength) = parsed, offset + headerLength + length + checksumSize <= file.count else {
            return nil
        }
        return offset + headerLength + length + checksumSize
    }

    /// The bytes of the record starting at `offset` in `file`, checksum verified, and where they start.
    /// `what` names the record in errors ("chunk", "page").
    static func read(_ file: Data, at offset: Int, headerSize: Int, path: String, what: String) throws(BlockError)
        -> (bytes: [UInt8], start: Int)
    {
        guard offset >= headerSize, offset < file.count else {
            throw BlockError(.corrupt, "\(what) reference \(offset) outside the file", path: path, offset: offset)
        }
        // Enough bytes for the longest varint length, then exactly the record.
        let head = [UInt8](file[file.startIndex + offset..<file.startIndex + min(offset + 10, file.count)])
        let (length, headerLength) = try BlockError.reading(head, path: path, base: offset) {
            reader throws(BatchRecordError) in (try reader.int("record length", below: file.count - offset), reader.offset)
        }
        let start = offset + headerLength
        guard start + length + checksumSize <= file.count else {
            throw BlockError(.corrupt, "\(what) of \(length) bytes overruns the file", path: path, offset: offset)
        }
        let bytes = [UInt8](file[file.startIndex + start..<file.startIndex + start + length])
        let stored = [UInt8](file[file.startIndex + start + length..<file.startIndex + start + length + checksumSize])
        let checksum = try BlockError.reading(stored, path: path, base: start + length) {
            reader throws(BatchRecordError) in try reader.fixed32("checksum")
        }
        guard CRC32C.checksum(bytes) == checksum else {
            throw BlockError(.corrupt, "\(what) checksum mismatch", path: path, offset: offset)
        }
        return (bytes, start)
    }
}
