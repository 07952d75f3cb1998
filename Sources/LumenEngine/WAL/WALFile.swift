#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX file operations for the WAL: every call retries EINTR, finishes short writes, and turns failure
/// into a `WALError` naming the file. Not thread-safe; one owner at a time. The steps on paths
/// rather than an open file are `WALFileSystem`'s.
struct WALFile {
    let path: String
    private(set) var descriptor: Int32

    /// Creates a new file (failing if it exists), for appending.
    static func create(_ path: String) throws -> WALFile {
        let descriptor = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw ioError("cannot create segment", path) }
        return WALFile(path: path, descriptor: descriptor)
    }

    /// Opens an existing file for writing over it from its start.
    static func openForOverwrite(_ path: String) throws -> WALFile {
        let descriptor = retrying { open(path, O_WRONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open segment", path) }
        return WALFile(path: path, descriptor: descriptor)
    }

    /// Writes all of `buffer`, however many calls that takes.
    func writeAll(_ buffer: UnsafeRawBufferPointer, offset: Int) throws {
        var written = 0
        while written < buffer.count {
            let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw Self.ioError("write failed", path, offset: offset + written)
            }
            written += result
        }
    }

    /// Makes written data durable: `fdatasync` on Linux, `F_FULLFSYNC` on Darwin (whose `fsync` is not).
    func sync() throws {
        #if canImport(Darwin)
        let result = Self.retrying { fcntl(descriptor, F_FULLFSYNC) }
        #else
        let result = Self.retrying { fdatasync(descriptor) }
        #endif
        guard result == 0 else { throw Self.ioError("fsync failed", path) }
    }

    /// Makes written data and the file's size durable: `fsync`.
    func syncAll() throws {
        guard Self.retrying({ fsync(descriptor) }) == 0 else { throw Self.ioError("fsync failed", path) }
    }

    /// Cuts the file to `length` bytes. Not synced: `syncAll` makes the new size durable.
    func truncate(to length: Int) throws {
        guard Self.retrying({ ftruncate(descriptor, off_t(length)) }) == 0 else {
            throw Self.ioError("cannot truncate segment", path, offset: length)
        }
    }

    /// Moves the position the next `writeAll` writes at to `offset`.
    func seek(to offset: Int) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw Self.ioError("cannot seek in segment", path, offset: offset)
        }
    }

    mutating func close() throws {
        guard descriptor >= 0 else { return }
        let result = closeDescriptor(descriptor)
        descriptor = -1
        // Not retried: after EINTR the descriptor's state is unspecified on Linux and retrying may close another.
        guard result == 0 || errno == EINTR else { throw Self.ioError("close failed", path) }
    }

    /// Cuts a file to `length` bytes and makes that durable.
    static func truncate(_ path: String, to length: Int) throws {
        var file = try openForOverwrite(path)
        defer { try? file.close() }
        try file.truncate(to: length)
        try file.syncAll()
    }

    private static func retrying(_ call: () -> Int32) -> Int32 { WALFileSystem.retrying(call) }

    static func ioError(_ message: String, _ path: String, offset: Int? = nil) -> WALError {
        WALFileSystem.ioError(message, path, offset: offset)
    }
}

/// The file-system steps of the WAL, failing with a `WALError` naming the path.
typealias WALFileSystem = FileSystem<WALError>

extension WALError: FileSystemFailure {
    static func io(_ message: String, path: String, offset: Int?, errno: Int32) -> WALError {
        WALError(DiskFull.means(errno) ? .diskFull : .io, message, path: path, offset: offset,
            errno: errno == 0 ? nil : errno)
    }
}

/// POSIX `close`, which `WALFile.close()` shadows inside the type.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
