/// A failure reading or writing a block (any of its parts), with the file and byte offset concerned where there is one,
/// so a repair tool (or a person) can act on it.
public struct BlockError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A system call failed (open, write, fsync, rename …).
        public static let io = Code("io")
        /// A write found the file system full (`ENOSPC`, `EDQUOT`): nothing of the block is left behind, and the
        /// step is retried later.
        public static let diskFull = Code("diskFull")
        /// A file's bytes are not what the format allows: bad magic, checksum, reference or chunk.
        public static let corrupt = Code("corrupt")
        /// A block's `meta.json` names another tenant than its parts' indexes record.
        public static let tenantMismatch = Code("tenantMismatch")
        /// The block was written by a newer format version.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The caller asked for something the writer cannot do (an existing target directory …).
        public static let invalidArgument = Code("invalidArgument")

        public var description: String { name }
    }

    public let code: Code
    public let message: String
    /// The file concerned, if any.
    public let path: String?
    /// The byte offset in `path` concerned, if any.
    public let offset: Int?
    /// The times a damaged page or chunk holds (from the index, which outlives the page), if known: what a read
    /// that had to leave it out is missing.
    public private(set) var timeRange: ClosedRange<Int64>?

    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
    }

    /// The error of a page or chunk whose data spans `[minTime, maxTime]`.
    func covering(_ minTime: Int64, _ maxTime: Int64) -> BlockError {
        var error = self
        error.timeRange = min(minTime, maxTime)...max(minTime, maxTime)
        return error
    }

    /// The block (its ID) and part (`metrics`, `logs`, `spans`, `exemplars`) of `path`, when it lies in a block.
    public var location: (block: String, part: String)? {
        guard let components = path.map({ $0.split(separator: "/").map(String.init) }),
            let index = components.lastIndex(where: { BlockID($0) != nil }), index + 1 < components.count
        else { return nil }
        return (components[index], components[index + 1])
    }

    public var description: String {
        var text = "block: \(message)"
        if let path { text += " (\(path)" + (offset.map { " at byte \($0)" } ?? "") + ")" }
        return text
    }
}
