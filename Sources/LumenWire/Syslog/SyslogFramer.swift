/// Splits a syslog TCP byte stream into messages (RFC 6587), choosing the framing per message as rsyslog
/// does: a message that starts with a digit is octet-counted (`<length> <message>`), one that starts with
/// anything else (normally `<`) ends at the next `\n` (a trailing `\r` is dropped). Empty lines and NULs
/// between messages are skipped. Not thread-safe: one framer per connection.
///
/// A message over `maxMessageSize`, or a length prefix that is not a number followed by a space, throws;
/// the stream cannot be resynchronised after that, so the caller should close the connection.
public struct SyslogFramer: Sendable {
    public let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxMessageSize: Int = 64 << 10) {
        self.maxMessageSize = maxMessageSize
    }

    /// Adds bytes read from the connection; returns the messages completed by them, in order.
    public mutating func append(_ bytes: [UInt8]) throws(WireError) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var messages: [[UInt8]] = []
        while let message = try next() { messages.append(message) }
        if start > 4096, start * 2 > buffer.count {  // drop consumed bytes now and then, not on every call
            buffer.removeFirst(start)
            start = 0
        }
        return messages
    }

    /// At the end of the stream: the last message if it was not terminated by a newline, else `nil`.
    /// An incomplete octet-counted message is dropped (its sender was cut off).
    public mutating func finish() -> [UInt8]? {
        defer {
            buffer = []
            start = 0
        }
        skipSeparators()
        guard start < buffer.count, !buffer[start].isDigit else { return nil }
        var message = Array(buffer[start...])
        if message.last == UInt8(ascii: "\r") { message.removeLast() }
        return message.isEmpty ? nil : message
    }

    private mutating func skipSeparators() {
        while start < buffer.count, [0x0A, 0x0D, 0x00, 0x20].contains(buffer[start]) { start += 1 }
    }

    private mutating func next() throws(WireError) -> [UInt8]? {
        skipSeparators()
        guard start < buffer.count else { return nil }
        if buffer[start].isDigit {
            var length = 0
            var index = start
            while index < buffer.count, buffer[index].isDigit {
                length = length * 10 + Int(buffer[index] - 0x30)
                index += 1
                guard index - start <= 10, length <= maxMessageSize else {
                    throw .tooLarge("syslog octet-counted frame is longer than the limit of \(maxMessageSize) bytes")
                }
            }
            guard index < buffer.count else { return nil }  // the length continues in the next read
            guard buffer[index] == UInt8(ascii: " ") else {
                throw .malformed(
                    "syslog frame starts with digits not followed by a space; expected octet counting "
                        + "(\"<length> <message>\") or a message starting with \"<\"")
            }
            let body = index + 1
            guard buffer.count - body >= length else { return nil }
            start = body + length
            return Array(buffer[body..<start])
        }
        guard let newline = buffer[start...].firstIndex(of: 0x0A) else {
            guard buffer.count - start <= maxMessageSize else {
                throw .tooLarge("syslog message has no newline within the limit of \(maxMessageSize) bytes")
            }
            return nil
        }
        guard newline - start <= maxMessageSize else {
            throw .tooLarge("syslog message is longer than the limit of \(maxMessageSize) bytes")
        }
        var end = newline
        if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let message = Array(buffer[start..<end])
        start = newline + 1
        return message
    }
}
