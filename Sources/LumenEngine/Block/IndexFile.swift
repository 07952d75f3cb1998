/// The small index files of the log and span parts: magic, version, a body in the codec's primitives, and a
/// CRC-32C of everything before it. Read whole at open; a damaged one fails the open with its path.
enum IndexFile {
    /// Appends the CRC-32C of everything before it, the index's last four bytes.
    static func seal(_ out: inout ByteWriter) {
        out.bytes.appendU32(CRC32C.checksum(out.bytes))
    }

    /// The index at `path`, of one of `versions`, parsed by `parse` (given the file's version).
    static func read<T>(
        _ path: String, magic: [UInt8], versions: ClosedRange<UInt8>,
        parse: (inout ByteReader, UInt8) throws(BatchRecordError) -> T
    ) throws(BlockError) -> T {
        let bytes = try BlockFile.readAll(path)
        guard bytes.count >= 12, Array(bytes.prefix(4)) == magic else {
            throw BlockError(.corrupt, "bad magic or a short index", path: path, offset: 0)
        }
        let version = bytes[4]
        guard versions.contains(version) else {
            throw BlockError(.unsupportedVersion, "index version \(bytes[4])", path: path, offset: 4)
        }
        let body = bytes.count - 4
        return try BlockError.reading(bytes, path: path) { file throws(BatchRecordError) in
            var trailer = file.slice(body..<bytes.count)
            guard CRC32C.checksum(bytes[..<body]) == (try trailer.fixed32("index checksum")) else {
                throw file.error("index checksum mismatch", at: body)
            }
            var reader = file.slice(8..<body)
            let value = try parse(&reader, version)
            guard reader.isAtEnd else { throw reader.error("\(reader.remaining) trailing bytes") }
            return value
        }
    }
}
