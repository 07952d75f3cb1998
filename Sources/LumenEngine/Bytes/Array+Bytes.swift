/// Appends the engine's primitives to a byte array: what `ByteWriter` and the metric part's index write with,
/// and `ByteReader` reads back.
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
