/// Reads protobuf's wire format (tags, varints, fixed64, length-delimited fields) from a buffer, every bound
/// checked: the few primitives the remote-write reader needs to skip swift-protobuf's generic message decoding
/// on Lumen's hottest ingest path. Anything malformed throws; nothing traps or over-allocates.
///
/// Holds a pointer into memory it does not own: use it only inside the `withUnsafeBufferPointer` that made it.
/// The primitives are inlined: a request holds one embedded message a sample, and calls cost more than reading.
struct ProtobufWireReader {
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    struct Malformed: Error {
        let message: String
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private var offset: Int
    private let end: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        offset = 0
        end = buffer.count
    }

    /// A reader of `range` of `buffer` only, as `embedded()` hands out; `range` must lie inside `buffer`.
    init(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count)
        self.buffer = buffer
        offset = range.lowerBound
        end = range.upperBound
    }

    /// What is left to read, as offsets into the whole buffer.
    var unread: Range<Int> { offset..<end }

    /// The next field's number and wire type, or `nil` at the end.
    @inline(__always)
    mutating func nextField() throws(Malformed) -> (number: UInt64, type: WireType)? {
        guard offset < end else { return nil }
        let key = try varint()
        guard let type = WireType(rawValue: key & 7), key >> 3 != 0 else {
            throw Malformed(message: "invalid field key \(key)")
        }
        return (key >> 3, type)
    }

    @inline(__always)
    mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = buffer[offset]
            offset += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw Malformed(message: "varint longer than 10 bytes") }
        }
        throw Malformed(message: "truncated varint")
    }

    @inline(__always)
    mutating func fixed64() throws(Malformed) -> UInt64 {
        guard end - offset >= 8 else { throw Malformed(message: "truncated fixed64") }
        let value = UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// A length-delimited field's bytes, as a reader of their own.
    @inline(__always)
    mutating func embedded() throws(Malformed) -> ProtobufWireReader {
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw Malformed(message: "length \(length) overruns the message") }
        let start = offset
        offset += Int(length)
        return ProtobufWireReader(buffer, range: start..<offset)
    }

    /// The next field `number`, a message, as a reader of its own; every other field stepped over. `nil` at the end.
    mutating func nextEmbedded(_ number: UInt64, field: StaticString) throws(Malformed) -> ProtobufWireReader? {
        while let (found, type) = try nextField() {
            guard found == number else {
                try skip(type)
                continue
            }
            try Self.expect(type, .lengthDelimited, field: field)
            return try embedded()
        }
        return nil
    }

    /// A length-delimited field as UTF-8 text; invalid UTF-8 is malformed, as protobuf's `string` requires.
    mutating func string() throws(Malformed) -> String {
        let field = try embedded()
        let bytes = UnsafeBufferPointer(rebasing: buffer[field.offset..<field.end])
        // Label names and values are nearly always ASCII, which needs no validation beyond the check.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(message: "a string field is not valid UTF-8")
        }
        return text
    }

    /// Steps over a field this reader does not use.
    mutating func skip(_ type: WireType) throws(Malformed) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try embedded()
        case .fixed32:
            guard end - offset >= 4 else { throw Malformed(message: "truncated fixed32") }
            offset += 4
        case .startGroup, .endGroup: throw Malformed(message: "groups are not supported")
        }
    }

    /// Fails unless `type` is what the field must have.
    @inline(__always)
    static func expect(_ type: WireType, _ expected: WireType, field: StaticString) throws(Malformed) {
        guard type == expected else { throw Malformed(message: "field \(field) has wire type \(type.rawValue)") }
    }
}
