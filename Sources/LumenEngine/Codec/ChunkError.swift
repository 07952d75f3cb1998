/// Why bytes are not a valid metric chunk, and where: `offset` counts from the chunk's first byte.
/// Block readers add the file and the chunk's position in it (`BlockError`).
public struct ChunkError: Error, Hashable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "metric chunk: \(message) at byte \(offset)" }
}
