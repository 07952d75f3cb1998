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
        var trailer = ByteCursor(bytes, path: path, start: body)
        guard CRC32C.checksum(Array(bytes[..<body])) == (try trailer.u32("index checksum")) else {
            throw BlockError(.corrupt, "index checksum mismatch", path: path, offset: body)
        }
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(UnsafeBufferPointer(rebasing: buffer[8..<body]), base: 8)
                let value = try parse(&reader, version)
                guard reader.isAtEnd else { throw reader.error("\(reader.remaining) trailing bytes") }
                return value
            }
        } catch let error as BatchRecordError {
            throw BlockError(.corrupt, error.message, path: path, offset: error.offset)
        } catch {
            throw BlockError(.corrupt, "\(error)", path: path)
        }
    }
}
