/// Appends the codec's primitives to a growing byte array: LEB128 varints (zig-zag for signed), fixed
/// little-endian integers, length-prefixed bytes and strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    @inline(__always)
    mutating func uvarint(_ value: UInt64) {
        bytes.appendUVarint(value)
    }

    @inline(__always)
    mutating func count(_ value: Int) {
        uvarint(UInt64(value))
    }

    /// Zig-zag maps small negative numbers to small unsigned ones: 0, -1, 1, -2 … → 0, 1, 2, 3 …
    @inline(__always)
    mutating func varint(_ value: Int64) {
        bytes.appendVarint(value)
    }

    /// Byte by byte (`appendU64`): appending an eight-byte buffer instead cost several times more.
    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        bytes.appendU64(value)
    }

    /// Eight bytes, most significant first: the canonical byte order of trace and span IDs.
    @inline(__always)
    mutating func bigEndian64(_ value: UInt64) {
        fixed64(value.byteSwapped)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends in one go what `body` writes, at most `maximum` bytes: a run of small values (a series'
    /// samples) appended a byte at a time pays a capacity and uniqueness check for every byte.
    mutating func run(maximum: Int, _ body: (inout RawCursor) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximum) { scratch in
            var cursor = RawCursor(scratch)
            body(&cursor)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<cursor.count]))
        }
    }

    mutating func blob(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }
}

/// Writes the codec's primitives into scratch memory for `ByteWriter.run`. The caller sizes the memory; a write
/// past its end traps rather than corrupting what lies beyond.
struct RawCursor {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    @inline(__always)
    mutating func uvarint(_ value: UInt64) {
        LEB128.encode(value) { byte($0) }
    }

    @inline(__always)
    mutating func varint(_ value: Int64) {
        uvarint(ZigZag.encode(value))
    }

    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        precondition(buffer.count - count >= 8, "RawCursor: write past the scratch memory")
        UnsafeMutableRawBufferPointer(buffer).storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    /// Its UTF-8 length, then its bytes.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            uvarint(UInt64(utf8.count))
            precondition(buffer.count - count >= utf8.count, "RawCursor: write past the scratch memory")
            count = UnsafeMutableBufferPointer(rebasing: buffer[count...]).update(fromContentsOf: utf8) + count
        }
    }

    @inline(__always)
    private mutating func byte(_ value: UInt8) {
        precondition(count < buffer.count, "RawCursor: write past the scratch memory")
        buffer[count] = value
        count += 1
    }
}
