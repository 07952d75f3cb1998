/// Reads the block files' primitives (LEB128 varints, fixed little-endian integers, strings), checking every
/// bound. Errors carry the file and the absolute byte offset: `base` is where `bytes` starts in the file.
struct ByteCursor {
    let bytes: [UInt8]
    let path: String
    let base: Int
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], path: String, base: Int = 0, start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.path = path
        self.base = base
        self.position = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { position >= end }
    var remaining: Int { end - position }
    /// The current position as an offset in the file.
    var fileOffset: Int { base + position }

    func corrupt(_ message: String, at position: Int? = nil) -> BlockError {
        BlockError(.corrupt, message, path: path, offset: base + (position ?? self.position))
    }

    mutating func uvarint(_ what: StaticString) throws(BlockError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw corrupt("unexpected end reading \(what)", at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw corrupt("varint overflows 64 bits reading \(what)", at: start) }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint longer than 10 bytes reading \(what)", at: start) }
        }
    }

    mutating func varint(_ what: StaticString) throws(BlockError) -> Int64 {
        ZigZag.decode(try uvarint(what))
    }

    /// A uvarint that must be below `limit` (an index into a table, a count of what the bytes can hold).
    mutating func int(_ what: StaticString, below limit: Int) throws(BlockError) -> Int {
        let start = position
        let value = try uvarint(what)
        guard value < UInt64(max(limit, 0)) else { throw corrupt("\(what) \(value) out of range (limit \(limit))", at: start) }
        return Int(value)
    }

    mutating func u32(_ what: StaticString) throws(BlockError) -> UInt32 {
        guard remaining >= 4 else { throw corrupt("unexpected end reading \(what)") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * index) }
        position += 4
        return value
    }

    mutating func u64(_ what: StaticString) throws(BlockError) -> UInt64 {
        let low = try u32(what)
        let high = try u32(what)
        return UInt64(high) << 32 | UInt64(low)
    }

    mutating func string(_ what: StaticString) throws(BlockError) -> String {
        let start = position
        let length = try int(what, below: remaining + 1)
        guard let value = String(validating: bytes[position..<position + length], as: UTF8.self) else {
            throw corrupt("\(what) is not valid UTF-8", at: start)
        }
        position += length
        return value
    }

    mutating func skip(_ count: Int) { position += count }
}

/// Appends the block files' primitives to a byte array (the writing half of `ByteCursor`).
extension Array where Element == UInt8 {
    mutating func appendUVarint(_ value: UInt64) {
        LEB128.encode(value) { append($0) }
    }

    mutating func appendVarint(_ value: Int64) { appendUVarint(ZigZag.encode(value)) }

    mutating func appendU32(_ value: UInt32) {
        for index in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func appendU64(_ value: UInt64) {
        appendU32(UInt32(truncatingIfNeeded: value))
        appendU32(UInt32(truncatingIfNeeded: value >> 32))
    }

    mutating func appendString(_ value: String) {
        let utf8 = Array(value.utf8)
        appendUVarint(UInt64(utf8.count))
        append(contentsOf: utf8)
    }
}
