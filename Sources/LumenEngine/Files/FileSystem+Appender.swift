#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSystem {
    /// A new file written front to back through a buffer of bounded size: what a writer streams a large file
    /// through (a merged part's chunks) instead of building it whole in memory first.
    ///
    /// `finish()` writes what is buffered, fsyncs and closes; a file dropped unfinished is closed, incomplete,
    /// and left for its owner to remove (it sits in a temporary directory). One owner at a time.
    final class Appender {
        let path: String
        /// Bytes appended so far: the file offset the next append starts at.
        private(set) var count = 0
        private var descriptor: Int32
        private var buffer: [UInt8] = []
        private let bufferLimit: Int

        /// Creates `path`, which must not exist. At most about `bufferLimit` bytes (plus one append) are held.
        init(creating path: String, bufferLimit: Int = 1 << 20) throws(Failure) {
            self.path = path
            self.bufferLimit = bufferLimit
            descriptor = FileSystem.retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
            guard descriptor >= 0 else { throw FileSystem.ioError("cannot create file", path) }
            buffer.reserveCapacity(bufferLimit)
        }

        deinit {
            if descriptor >= 0 { _ = close(descriptor) }
        }

        /// Appends what `body` adds to the end of the buffer it is given, writing the buffer out once it is full.
        func append(_ body: (inout [UInt8]) -> Void) throws(Failure) {
            let before = buffer.count
            body(&buffer)
            count += buffer.count - before
            if buffer.count >= bufferLimit { try flush() }
        }

        func append(_ bytes: [UInt8]) throws(Failure) {
            try append { $0 += bytes }
        }

        /// Writes what is buffered, fsyncs and closes the file.
        func finish() throws(Failure) {
            try flush()
            guard FileSystem.retrying({ fsync(descriptor) }) == 0 else { throw FileSystem.ioError("fsync failed", path) }
            let result = close(descriptor)
            descriptor = -1
            // Not retried: after EINTR the descriptor's state is unspecified on Linux and retrying may close another.
            guard result == 0 || errno == EINTR else { throw FileSystem.ioError("close failed", path) }
        }

        private func flush() throws(Failure) {
            var written = 0
            let start = count - buffer.count
            while written < buffer.count {
                let result = buffer.withUnsafeBytes { bytes in
                    write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                }
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw FileSystem.ioError("write failed", path, offset: start + written) }
                written += result
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
