/// A failure of the write-ahead log, with the file and offset it concerns where there is one.
///
/// `code` lets callers branch (`error.code == .closed`); new codes can be added without breaking them.
public struct WALError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A system call failed (open, write, fsync …); `errno` says which error.
        public static let io = Code("io")
        /// The file system holding the log is full (`ENOSPC`, or `EDQUOT` for a quota). Not sticky: the failed
        /// commit was undone, so the log still ends at its last durable record and a later append is tried again.
        public static let diskFull = Code("diskFull")
        /// An fsync failed earlier: what the kernel did with those pages is unknown, so no append can be
        /// acknowledged any more. Restart and replay.
        public static let durabilityLost = Code("durabilityLost")
        /// The log was closed.
        public static let closed = Code("closed")
        /// `append` before `replay`, or `replay` after `append`.
        public static let misuse = Code("misuse")
        /// A payload over `WALRecordHeader.maxPayloadLength`.
        public static let recordTooLarge = Code("recordTooLarge")

        public var description: String { name }
    }

    public let code: Code
    public let message: String
    /// The file concerned, if any.
    public let path: String?
    /// The byte offset in `path` concerned, if any.
    public let offset: Int?
    /// The system error number of an `.io` failure.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.errno = errno
    }

    public var description: String {
        var text = "WAL: \(message)"
        if let path { text += " (\(path)" + (offset.map { " at byte \($0)" } ?? "") + ")" }
        if let errno { text += ": \(String(cString: strerror(errno))) [errno \(errno)]" }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
