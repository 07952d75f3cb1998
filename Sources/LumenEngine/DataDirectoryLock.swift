import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One process per data directory: an exclusive `flock` on `<directory>/lock`, held while the store is open.
///
/// The kernel drops the lock when the process dies, `kill -9` included, so a crash never leaves a stale lock.
/// The file holds the owner's PID, only to name it when another process is refused.
public final class DataDirectoryLock: Sendable {
    /// The locked file's descriptor; -1 once released.
    private let descriptor: Mutex<Int32>

    /// Takes the lock or throws `DataDirectoryInUse` at once (it never waits).
    public init(directory: String) throws {
        let path = directory + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WALError(.io, "cannot open the lock file: \(String(cString: strerror(errno)))", path: path, errno: errno)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readPID(fd)
            Glibc.close(fd)
            guard code == EWOULDBLOCK else {
                throw WALError(.io, "cannot lock the data directory: \(String(cString: strerror(code)))", path: path,
                    errno: code)
            }
            throw DataDirectoryInUse(directory: directory, pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = Mutex(fd)
    }

    /// Gives the lock up; later calls do nothing.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            Glibc.close(fd)
            fd = -1
        }
    }

    deinit { release() }

    private static func readPID(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Another process holds the data directory's lock.
public struct DataDirectoryInUse: Error, Sendable, CustomStringConvertible {
    public let directory: String
    /// The holder's PID, as it wrote it in the lock file (nil if unreadable).
    public let pid: Int32?

    public var description: String {
        let holder = pid.map { "process \($0)" } ?? "another process"
        return "the data directory \(directory) is in use by \(holder) (another lumen serve?): stop that process "
            + "or give this one another --data-dir"
    }
}
