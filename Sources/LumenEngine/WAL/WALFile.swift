#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX file operations for the WAL: every call retries EINTR, finishes short writes, and turns failure
/// into a `WALError` naming the file. Not thread-safe; one owner at a time.
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

    mutating func close() throws {
        guard descriptor >= 0 else { return }
        let result = closeDescriptor(descriptor)
        descriptor = -1
        // Not retried: after EINTR the descriptor's state is unspecified on Linux and retrying may close another.
        guard result == 0 || errno == EINTR else { throw Self.ioError("close failed", path) }
    }

    /// The whole content of a file.
    static func readAll(_ path: String) throws -> [UInt8] {
        let descriptor = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open segment", path) }
        defer { _ = closeDescriptor(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ioError("cannot stat segment", path) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let result = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw ioError("read failed", path, offset: filled)
                }
                if result == 0 { break }  // shrank under us; replay what is there
                filled += result
            }
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    /// Cuts a file to `length` bytes and makes that durable.
    static func truncate(_ path: String, to length: Int) throws {
        var file = try openForOverwrite(path)
        defer { try? file.close() }
        try file.truncate(to: length)
        try file.syncAll()
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw ioError("cannot remove segment", path) }
    }

    /// Makes the creation or removal of entries in `directory` durable.
    static func syncDirectory(_ directory: String) throws {
        let descriptor = retrying { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open directory to fsync it", directory) }
        defer { _ = closeDescriptor(descriptor) }
        guard retrying({ fsync(descriptor) }) == 0 else { throw ioError("directory fsync failed", directory) }
    }

    /// Creates `directory` and its parents if missing.
    static func makeDirectory(_ directory: String) throws {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ioError("cannot create directory", prefix)
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw WALError(.io, "not a directory", path: directory)
        }
    }

    /// Names of the entries of `directory`.
    static func list(_ directory: String) throws -> [String] {
        guard let stream = opendir(directory) else { throw ioError("cannot list directory", directory) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    static func ioError(_ message: String, _ path: String, offset: Int? = nil) -> WALError {
        WALError(.io, message, path: path, offset: offset, errno: errno)
    }
}

/// POSIX `close`, which `WALFile.close()` shadows inside the type.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
