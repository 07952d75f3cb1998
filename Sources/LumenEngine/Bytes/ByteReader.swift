import Foundation

/// Reads the engine's primitives (LEB128 varints, fixed-width integers, length-prefixed strings) from a buffer,
/// checking every bound: bad input becomes a `BatchRecordError` with the offset, never a crash or an outsized
/// allocation. The one byte reader of WAL records, block pages and block indexes; a block file's reader turns
/// its errors into a `BlockError` with the path.
///
/// Holds a pointer into memory it does not own: use it only inside the `withUnsafeBufferPointer` that made it.
struct ByteReader {
    let buffer: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0
    /// Where `buffer` starts in the enclosing record or page, so errors report offsets there.
    let base: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, base: Int = 0) {
        self.buffer = buffer
        self.base = base
    }

    var remaining: Int { buffer.count - offset }

    /// A reader of `range` (offsets in this reader's buffer) whose errors still count from this one's base.
    func slice(_ range: Range<Int>) -> ByteReader {
        ByteReader(UnsafeBufferPointer(rebasing: buffer[range]), base: base + range.lowerBound)
    }
    var isAtEnd: Bool { offset == buffer.count }

    func error(_ message: String, at offset: Int? = nil) -> BatchRecordError {
        BatchRecordError(offset: base + (offset ?? self.offset), message: message)
    }

    mutating func skip(_ count: Int) throws(BatchRecordError) {
        guard count <= remaining else { throw error("unexpected end skipping \(count) bytes") }
        offset += count
    }

    @inline(__always)
    mutating func byte(_ what: StaticString) throws(BatchRecordError) -> UInt8 {
        guard offset < buffer.count else { throw error("unexpected end of record reading \(what)") }
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func uvarint(_ what: StaticString) throws(BatchRecordError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw error("unexpected end of record reading \(what)", at: start) }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw error("varint overflows 64 bits reading \(what)", at: start) }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes reading \(what)", at: start) }
        }
    }

    mutating func varint(_ what: StaticString) throws(BatchRecordError) -> Int64 {
        let raw = try uvarint(what)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A count of elements that each take at least `minimumSize` bytes, so a corrupt count fails here
    /// instead of reserving memory for elements that cannot be there.
    mutating func count(_ what: StaticString, minimumSize: Int = 1) throws(BatchRecordError) -> Int {
        let start = offset
        let value = try uvarint(what)
        guard value <= UInt64(remaining / max(minimumSize, 1)) else {
            throw error("\(what) count \(value) exceeds what the remaining \(remaining) bytes can hold", at: start)
        }
        return Int(value)
    }

    /// A non-negative number that is not a count of following elements (an offset, a size elsewhere).
    mutating func int(_ what: StaticString) throws(BatchRecordError) -> Int {
        let start = offset
        let value = try uvarint(what)
        guard value <= UInt64(Int.max) else { throw error("\(what) \(value) is out of range", at: start) }
        return Int(value)
    }

    /// A uvarint that must be below `limit` (an index into a table, a count of what the bytes can hold).
    mutating func int(_ what: StaticString, below limit: Int) throws(BatchRecordError) -> Int {
        let start = offset
        let value = try uvarint(what)
        guard value < UInt64(max(limit, 0)) else { throw error("\(what) \(value) out of range (limit \(limit))", at: start) }
        return Int(value)
    }

    @inline(__always)
    mutating func fixed32(_ what: StaticString) throws(BatchRecordError) -> UInt32 {
        guard remaining >= 4 else { throw error("unexpected end of record reading \(what)") }
        defer { offset += 4 }
        return UInt32(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    mutating func fixed64(_ what: StaticString) throws(BatchRecordError) -> UInt64 {
        guard remaining >= 8 else { throw error("unexpected end of record reading \(what)") }
        defer { offset += 8 }
        return UInt64(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    mutating func bigEndian64(_ what: StaticString) throws(BatchRecordError) -> UInt64 {
        guard remaining >= 8 else { throw error("unexpected end of record reading \(what)") }
        defer { offset += 8 }
        return UInt64(bigEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func string(_ what: StaticString) throws(BatchRecordError) -> String {
        let start = offset
        let length = try count(what)
        let slice = UnsafeBufferPointer(rebasing: buffer[offset..<offset + length])
        // `String(decoding:)` is the standard library's fast path (`String(validating:)` looks up generic
        // metadata on every call) but repairs invalid UTF-8: a string that is not its bytes was repaired.
        var value = String(decoding: slice, as: UTF8.self)
        let unrepaired = value.withUTF8 { decoded in
            decoded.count == length && (length == 0 || memcmp(decoded.baseAddress!, slice.baseAddress!, length) == 0)
        }
        guard unrepaired else { throw error("\(what) is not valid UTF-8", at: start) }
        offset += length
        return value
    }

    mutating func blob(_ what: StaticString) throws(BatchRecordError) -> [UInt8] {
        let length = try count(what)
        defer { offset += length }
        return Array(buffer[offset..<offset + length])
    }
}
