import Foundation

/// The file-system steps of blocks, failing with a `BlockError` naming the path.
typealias BlockFile = FileSystem<BlockError>

extension BlockError: FileSystemFailure {
    static func io(_ message: String, path: String, offset: Int?, errno: Int32) -> BlockError {
        let reason = errno == 0 ? message : "\(message): \(String(cString: strerror(errno))) [errno \(errno)]"
        return BlockError(DiskFull.means(errno) ? .diskFull : .io, reason, path: path, offset: offset)
    }
}

extension BlockError {
    /// `parse` run over `bytes` with a reader whose offsets are the file's: a reading error (a truncated
    /// varint, an out-of-range reference) becomes a corrupt-file error naming `path` and the byte.
    static func reading<Value>(
        _ bytes: [UInt8], path: String, base: Int = 0, _ parse: (inout ByteReader) throws(BatchRecordError) -> Value
    ) throws(BlockError) -> Value {
        do throws(BatchRecordError) {
            return try bytes.withUnsafeBufferPointer { buffer throws(BatchRecordError) in
                var reader = ByteReader(buffer, base: base)
                return try parse(&reader)
            }
        } catch {
            throw BlockError(.corrupt, error.message, path: path, offset: error.offset)
        }
    }

    /// The JSON file at `path` (a `meta.json`) decoded as `type`; one that does not decode is corrupt.
    static func decodingJSON<Value: Decodable>(_ type: Value.Type, at path: String) throws(BlockError) -> Value {
        let bytes = try BlockFile.readAll(path)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw BlockError(.corrupt, "\((path as NSString).lastPathComponent) does not decode: \(error)", path: path)
        }
    }
}
