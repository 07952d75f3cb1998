/// Why bytes are not a valid batch record, and where: `offset` counts from the record's first byte.
public struct BatchRecordError: Error, Hashable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "batch record: \(message) at byte \(offset)" }
}
