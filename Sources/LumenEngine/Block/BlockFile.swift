import Foundation

/// The few file-system steps a block needs, each failure a `BlockError` naming the path:
/// durable writes (write, fsync, close), directory fsync, and the rename that publishes a block.
enum BlockFile {
    /// Creates `path` (which must not exist), writes `bytes` and fsyncs before closing.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws(BlockError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("cannot create file", path) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw ioError("write failed", path, offset: written) }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw ioError("fsync failed", path) }
    }

    static func syncDirectory(_ path: String) throws(BlockError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("cannot open directory to fsync it", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ioError("directory fsync failed", path) }
    }

    static func makeDirectory(_ path: String) throws(BlockError) {
        guard mkdir(path, 0o755) == 0 else { throw ioError("cannot create directory", path) }
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Removes a leftover directory and what it holds (a crashed writer's `.tmp`).
    static func removeTree(_ path: String) throws(BlockError) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw BlockError(.io, "cannot remove leftover directory: \(error)", path: path)
        }
    }

    static func rename(_ from: String, to: String) throws(BlockError) {
        guard Foundation.rename(from, to) == 0 else { throw ioError("cannot rename to \(to)", from) }
    }

    static func readAll(_ path: String) throws(BlockError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BlockError(.io, "cannot read file", path: path)
        }
        return [UInt8](data)
    }

    /// The file mapped into memory: pages are read when touched, so opening a block costs no reads of
    /// chunk data a query does not need.
    static func map(_ path: String) throws(BlockError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw BlockError(.io, "cannot map file: \(error)", path: path)
        }
    }

    private static func ioError(_ message: String, _ path: String, offset: Int? = nil) -> BlockError {
        let code = errno
        return BlockError(.io, "\(message): \(String(cString: strerror(code))) [errno \(code)]", path: path, offset: offset)
    }
}
