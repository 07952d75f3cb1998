import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error that can report a failed system call: what the engine's file steps throw, so that blocks fail with
/// a `BlockError` and the WAL with a `WALError` from the same code.
protocol FileSystemFailure: Error {
    /// `errno` says which system error; `offset` is the byte in `path` concerned, if any.
    static func io(_ message: String, path: String, offset: Int?, errno: Int32) -> Self
}

/// The file-system steps the engine shares between its WAL and its blocks, written once: every call retries
/// EINTR, finishes short reads and writes, and turns failure into a `Failure` naming the path.
/// `BlockFile` and `WALFileSystem` name it for each.
enum FileSystem<Failure: FileSystemFailure> {
    /// Creates `path` (which must not exist), writes `bytes` and fsyncs before closing.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws(Failure) {
        let descriptor = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw ioError("cannot create file", path) }
        defer { _ = close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw ioError("write failed", path, offset: written) }
            written += result
        }
        guard retrying({ fsync(descriptor) }) == 0 else { throw ioError("fsync failed", path) }
    }

    /// The whole content of a file; one that shrinks while it is read is returned as far as it goes.
    static func readAll(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open file", path) }
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ioError("cannot stat file", path) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        var failure: Failure?
        bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let result = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = ioError("read failed", path, offset: filled)
                    return
                }
                if result == 0 { break }
                filled += result
            }
        }
        if let failure { throw failure }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    /// The file mapped into memory: pages are read when touched, so opening a block costs no reads of data a
    /// query does not need.
    static func map(_ path: String) throws(Failure) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw Failure.io("cannot map file: \(error)", path: path, offset: nil, errno: 0)
        }
    }

    /// Makes the creation, removal or renaming of entries in `directory` durable.
    static func syncDirectory(_ directory: String) throws(Failure) {
        let descriptor = retrying { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open directory to fsync it", directory) }
        defer { _ = close(descriptor) }
        guard retrying({ fsync(descriptor) }) == 0 else { throw ioError("directory fsync failed", directory) }
    }

    /// Creates `directory`, which must not exist (a block's temporary directory).
    static func makeDirectory(_ directory: String) throws(Failure) {
        guard mkdir(directory, 0o755) == 0 else { throw ioError("cannot create directory", directory) }
    }

    /// Creates `directory` and its parents where missing; an existing directory is fine.
    static func makeDirectories(_ directory: String) throws(Failure) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ioError("cannot create directory", prefix)
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ioError("not a directory", directory)
        }
    }

    /// Bytes an unprivileged writer may still use on the file system holding `directory` (`statvfs`), or nil
    /// if it cannot be asked.
    static func availableBytes(_ directory: String) -> Int? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        let (bytes, overflow) = Int(info.f_bavail).multipliedReportingOverflow(by: Int(info.f_frsize))
        return overflow ? .max : bytes
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Names of the entries of `directory`.
    static func list(_ directory: String) throws(Failure) -> [String] {
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

    static func rename(_ from: String, to: String) throws(Failure) {
        guard Foundation.rename(from, to) == 0 else { throw ioError("cannot rename to \(to)", from) }
    }

    /// Removes a file; one already gone is fine.
    static func remove(_ path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw ioError("cannot remove file", path) }
    }

    /// Removes a directory and what it holds (a crashed writer's `.tmp`, an expired block).
    static func removeTree(_ path: String) throws(Failure) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw Failure.io("cannot remove directory: \(error)", path: path, offset: nil, errno: 0)
        }
    }

    static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// `message` for `path`, with the `errno` of the call that just failed.
    static func ioError(_ message: String, _ path: String, offset: Int? = nil) -> Failure {
        Failure.io(message, path: path, offset: offset, errno: errno)
    }
}
