import Foundation
import Logging

/// The next segment's file, zero-filled and synced by a background thread before the log needs it.
///
/// Why: a write past a file's end changes its size, so every `fdatasync` after an appending write must also
/// write the inode, a second wait on the disk inside each group commit. Writing over blocks that already hold
/// zeros changes no size, and `fdatasync` flushes the data alone (PostgreSQL fills its WAL segments with zeros
/// for the same reason). Replay reads a zero record header as the end of a segment's records. On a disk with
/// little room the spare shrinks to half the free space, or is skipped (`preparedSize`).
///
/// Thread-safety: every method may be called from any thread.
final class WALSpareSegment: @unchecked Sendable {
    // `@unchecked`: `condition` guards `state` and `closing`.

    let path: String
    let size: Int
    let logger: Logger

    private enum State { case absent, preparing, ready }
    private let condition = NSCondition()
    private var state = State.absent
    private var closing = false

    init(directory: String, size: Int, logger: Logger) {
        path = directory + "/" + Self.fileName
        self.size = size
        self.logger = logger
    }

    /// Starts preparing a spare in the background, unless one is ready or under way.
    func prepare() {
        condition.lock()
        defer { condition.unlock() }
        guard state == .absent, !closing else { return }
        state = .preparing
        let thread = Thread { [self] in
            var prepared = false
            do {
                prepared = try fill()
            } catch {
                // Not fatal: the log then creates its next segment empty and grows it as before.
                logger.warning("could not prepare the next WAL segment", metadata: ["error": "\(error)"])
            }
            if !prepared { try? WALFileSystem.remove(path) }
            condition.lock()
            state = prepared ? .ready : .absent
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "lumen-wal-spare"
        thread.start()
    }

    /// Renames a ready spare to `destination` and returns true; returns false at once when none is ready.
    /// The caller makes the rename durable (fsyncs the directory) before writing records there.
    func take(as destination: String) throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard state == .ready else { return false }
        state = .absent
        guard rename(path, destination) == 0 else {
            throw WALFile.ioError("cannot rename the prepared segment to \(destination)", path)
        }
        return true
    }

    /// Waits until no spare is being prepared. Tests use it to know which kind of file the next segment gets.
    func waitUntilSettled() {
        condition.lock()
        while state == .preparing { condition.wait() }
        condition.unlock()
    }

    /// Stops preparing, waits for the thread and removes the spare file.
    func close() {
        condition.lock()
        closing = true
        while state == .preparing { condition.wait() }
        state = .absent
        condition.unlock()
        try? WALFileSystem.remove(path)
    }

    private var isClosing: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closing
    }

    /// A spare smaller than this is not worth a file: the segment is then created empty and grows.
    static let minimumSize = 1 << 20

    /// How many zero bytes to prepare on a file system with `available` bytes free: the segment size, but never
    /// more than half of what is free, so that preparing never takes the room the records being written need;
    /// 0 (no spare) below `minimumSize`. A small disk gets a smaller spare, or none until space returns: the
    /// next segment tries again.
    static func preparedSize(segmentSize: Int, available: Int?) -> Int {
        let half = (available ?? .max) / 2
        if segmentSize <= half { return segmentSize }
        let fitting = half & ~4095
        return fitting >= minimumSize ? fitting : 0
    }

    /// Writes zero bytes to a new file (`preparedSize` of them) and fsyncs them with its size. A spare left by a
    /// crash is removed first, not reused: it may be partly filled, and a new inode is never written by anyone
    /// else. Returns false if the log closed first or there is no room for a spare.
    private func fill() throws -> Bool {
        try WALFileSystem.remove(path)
        let directory = (path as NSString).deletingLastPathComponent
        let available = WALFileSystem.availableBytes(directory)
        let size = Self.preparedSize(segmentSize: self.size, available: available)
        guard size > 0 else {
            logger.info("no spare WAL segment prepared: too little free space", metadata: [
                "directory": "\(directory)", "availableBytes": "\(available.map(String.init) ?? "unknown")",
            ])
            return false
        }
        var file = try WALFile.create(path)
        defer { try? file.close() }
        let zeros = [UInt8](repeating: 0, count: min(size, 1 << 20))
        var written = 0
        while written < size {
            guard !isClosing else { return false }
            let count = min(zeros.count, size - written)
            try zeros.withUnsafeBytes {
                try file.writeAll(UnsafeRawBufferPointer(rebasing: $0[..<count]), offset: written)
            }
            written += count
        }
        try file.syncAll()
        return true
    }
}
